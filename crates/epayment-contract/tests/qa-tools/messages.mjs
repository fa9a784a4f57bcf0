// Reads messages.ndjson on standard input with cucumber's own readers: its HTML formatter
// (written to the first argument) and its JUnit XML formatter, whose query resolves every
// pickle, step, rule and Examples row the messages point at (written to the second).
import { createWriteStream, writeFileSync } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CucumberHtmlStream } from '@cucumber/html-formatter'
import { JUnitXmlPrinter } from '@cucumber/junit-xml-formatter'
import { NdjsonToMessageStream } from '@cucumber/message-streams'

const [html, junit] = process.argv.slice(2)
let xml = ''
const printer = new JUnitXmlPrinter({ suiteName: 'contract' }, (text) => { xml += text })
const tee = new Transform({
  objectMode: true,
  transform(envelope, _, done) { printer.update(envelope); done(null, envelope) },
})
await pipeline(process.stdin, new NdjsonToMessageStream(), tee, new CucumberHtmlStream(), createWriteStream(html))
if (!xml) throw new Error('no testRunFinished: the JUnit formatter wrote nothing')
writeFileSync(junit, xml)

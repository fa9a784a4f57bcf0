// Reads cucumber.json (the first argument) with cucumber-html-reporter, the widely used
// Cucumber JSON reporter, into an HTML report (the second).
import reporter from 'cucumber-html-reporter'

const [jsonFile, output] = process.argv.slice(2)
reporter.generate({ theme: 'bootstrap', jsonFile, output, reportSuiteAsScenarios: true, launchReport: false })

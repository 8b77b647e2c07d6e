// Shared by the bin entries: runs the built CLI bundle with a subcommand in front of the user's arguments.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

module.exports = function run(subcommand) {
  const bundle = path.resolve(__dirname, '../../../dist/apps/cli/main.cjs');
  if (!fs.existsSync(bundle)) {
    process.stderr.write(`cab: the CLI is not built yet (${bundle} is missing); run: npx nx build cli\n`);
    process.exitCode = 1;
    return;
  }
  process.argv.splice(2, 0, ...(subcommand ? [subcommand] : []));
  require(bundle);
};

// Loads the TypeScript worker when the code runs from source (jest, tsx) rather than from the CLI's
// bundle, which ships optimize-worker.cjs as plain JS. jiti compiles it and maps the @cab/* paths.
const path = require('node:path');
const { createJiti } = require('jiti');

const root = path.resolve(__dirname, '../../../../..');
const lib = (name, file) => path.join(root, 'libs', name, 'src', file);
const jiti = createJiti(__filename, {
  alias: {
    '@cab/domain': lib('domain', 'index.ts'),
    '@cab/application': lib('application', 'index.ts'),
  },
});

module.exports = jiti(path.join(__dirname, 'optimize-worker.ts')).default;

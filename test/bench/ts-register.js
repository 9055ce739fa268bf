// Runs the benchmark's TypeScript directly with `node -r ./bench/ts-register.js` (no tsx or ts-node in this
// repository): the middleware's register hook, each .ts file transpiled on require without type checks
// (`npx tsc -p test` does those).
require('../../middleware/test/support/ts-register.js');

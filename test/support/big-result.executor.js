// A test executor whose result is as big as its config says: no built-in one can make a result over
// MAX_RESULT_BYTES any more (http and command cut what they keep to fit), so the ResultTooLarge path is driven here.
'use strict';
const { z } = require('zod');

exports.bigResultExecutor = {
  type: 'big-result',
  description: 'Succeeds with a string of `bytes` characters.',
  configSchema: z.object({ bytes: z.number().int().min(0) }).strict(),
  effectFree: true,
  execute: async ({ config }) => 'x'.repeat(config.bytes),
};

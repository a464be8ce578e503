// A custom executor, loaded by configuration — no core code changes:
//
//   EXECUTOR_MODULES=./examples/executors/checksum.executor.js npm start
//
// A module may export any number of TaskExecutor objects (named exports, `default`, or arrays). Each needs a `type`
// (what tasks name in `executor`), a `description`, a zod `configSchema` (the gateway validates task configs with
// it) and `execute(ctx)`. Give the gateway and every executor process the same EXECUTOR_MODULES.
'use strict';
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const { stat } = require('node:fs/promises');
const { z } = require('zod');

/** Failures carry `type` and `retryable`: the runtime records them as such and the task's retry policy decides. */
function failure(message, type, retryable) {
  return Object.assign(new Error(message), { type, retryable });
}

/** Hashes a file, reporting progress as it reads, and stops when the attempt is cancelled or times out. */
const checksumExecutor = {
  type: 'checksum',
  description: 'Computes the sha256 (or sha1/md5) of a file; `expected` turns it into an integrity check.',
  configSchema: z
    .object({
      path: z.string().min(1),
      algorithm: z.enum(['sha256', 'sha1', 'md5']).default('sha256'),
      expected: z.string().regex(/^[0-9a-f]+$/).optional(),
    })
    .strict(),

  async execute({ config, signal, progress, heartbeat, logger }) {
    const size = await stat(config.path).then(
      (info) => info.size,
      (error) => {
        throw failure(`cannot read ${config.path}: ${error.code}`, 'FileNotFound', false);
      },
    );
    logger.info(`hashing ${size} bytes of ${config.path}`, { algorithm: config.algorithm });
    const hash = createHash(config.algorithm);
    let read = 0;
    for await (const chunk of createReadStream(config.path, { signal, highWaterMark: 1 << 20 })) {
      hash.update(chunk);
      read += chunk.length;
      heartbeat();
      // The runtime throttles progress events (at most 4 a second), so reporting every chunk is fine.
      await progress(size === 0 ? 100 : Math.floor((read / size) * 100), `${read}/${size} bytes`);
    }
    const digest = hash.digest('hex');
    if (config.expected && config.expected !== digest) {
      throw failure(`checksum mismatch: expected ${config.expected}, got ${digest}`, 'ChecksumMismatch', false);
    }
    return { path: config.path, algorithm: config.algorithm, digest, bytes: read };
  },
};

module.exports = { checksumExecutor };

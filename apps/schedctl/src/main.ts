import '../../register-aliases';
import { main } from './cli';

// `schedctl … | head`: the reader went away; what is left to print has nobody to read it, which is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

import { runIssuerCli } from './issuer-cli';

// exitCode rather than process.exit(): stdout is flushed before the process ends, even when piped.
void runIssuerCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

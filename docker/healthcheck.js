// The image's HEALTHCHECK: probes the /health of whichever app the container runs. The image starts either the API
// (PORT, default 3000) or the projector (LICENSING_PROJECTOR_HEALTH_PORT, default 3001); probing the API's port in a
// projector container would call every projector unhealthy. The command of PID 1 says which app runs.
'use strict';
const { readFileSync } = require('node:fs');

/** The health URL for a container whose PID 1 runs `cmdline` (NUL-separated, as /proc/1/cmdline has it). */
function healthUrl(cmdline, env) {
  const projector = cmdline.split('\0').some((arg) => arg.includes('apps/projector/'));
  const port = projector ? env.LICENSING_PROJECTOR_HEALTH_PORT || '3001' : env.PORT || '3000';
  return `http://127.0.0.1:${port}/health`;
}

module.exports = { healthUrl };

if (require.main === module) {
  const url = healthUrl(readFileSync('/proc/1/cmdline', 'utf8'), process.env);
  fetch(url).then(
    (response) => process.exit(response.ok ? 0 : 1),
    () => process.exit(1),
  );
}

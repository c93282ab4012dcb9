import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docker-compose.yml is checked by `docker-compose config` (Debian's docker-compose 1.29 validates the file and
 * prints it normalised, without a Docker daemon). Where the tool is missing, this prints one line instead.
 */
const root = join(__dirname, '..');
const available = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

if (!available) {
  process.stdout.write(
    'docker-compose.yml validation NOT RUN — the docker-compose command is not installed (apt-get install docker-compose); only its text is checked\n',
  );
  describe('docker-compose.yml (text only: docker-compose is not installed)', () => {
    it('names KurrentDB, MongoDB, the API and the projector, each with a health check', () => {
      const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
      for (const name of ['kurrentdb', 'mongodb', 'api', 'projector'])
        expect(text).toMatch(new RegExp(`\\n  ${name}:\\n`));
      expect(text.match(/\n {4}healthcheck:/g)?.length).toBe(4);
    });
  });
} else {
  describe('docker-compose.yml', () => {
    const compose = (...args: string[]) =>
      execFileSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: root, encoding: 'utf8' });

    it('validates, and runs KurrentDB, MongoDB, the API and the projector', () => {
      expect(compose('config', '--services').trim().split('\n').sort()).toEqual([
        'api',
        'kurrentdb',
        'mongodb',
        'projector',
      ]);
    });

    it('gives every service a health check, and starts API and projector only once both servers are healthy', () => {
      const normalised = compose('config');
      const services = sections(normalised);
      for (const name of ['api', 'kurrentdb', 'mongodb', 'projector'])
        expect(services[name]).toMatch(/\n {4}healthcheck:\n/);
      for (const name of ['api', 'projector']) {
        expect(services[name]).toMatch(
          /depends_on:\n {6}kurrentdb:\n {8}condition: service_healthy\n {6}mongodb:\n {8}condition: service_healthy/,
        );
      }
      expect(services.mongodb).toMatch(/--replSet\n {4}- rs0/);
      expect(services.mongodb).toContain('rs.initiate');
      expect(services.kurrentdb).toMatch(/KURRENTDB_INSECURE: "true"/);
      expect(services.api).toMatch(/LICENSING_PROJECTIONS_IN_API: "false"/);
      expect(services.api).toContain('MONGODB_URL: mongodb://mongodb:27017/?replicaSet=rs0');
      expect(services.projector).toContain('dist/apps/projector/src/main.js');
      expect(services.projector).toContain('KURRENTDB_URL: kurrentdb://kurrentdb:2113?tls=false');
    });
  });
}

/** Issue 13, item 17: the image's health check, pinned server images, probe timeouts above the head read's. */
describe('Dockerfile and docker-compose.yml health checks and images', () => {
  // The health check is a plain CommonJS script run by the image's node, loaded here as it is.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { healthUrl } = require(join(root, 'docker', 'healthcheck.js')) as {
    healthUrl(cmdline: string, env: Record<string, string>): string;
  };
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

  it("probes the projector's health port in a container started from the image with the projector's command", () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "docker\/healthcheck\.js"\]$/m);
    expect(dockerfile).toContain('COPY docker/healthcheck.js docker/healthcheck.js');
    expect(healthUrl(['node', 'dist/apps/projector/src/main.js'].join('\0'), {})).toBe('http://127.0.0.1:3001/health');
    expect(
      healthUrl(['node', 'dist/apps/projector/src/main.js'].join('\0'), {
        LICENSING_PROJECTOR_HEALTH_PORT: '4001',
        PORT: '4000',
      }),
    ).toBe('http://127.0.0.1:4001/health');
    expect(healthUrl(['node', 'dist/apps/api/src/main.js'].join('\0'), {})).toBe('http://127.0.0.1:3000/health');
    expect(healthUrl(['node', 'dist/apps/api/src/main.js'].join('\0'), { PORT: '8080' })).toBe(
      'http://127.0.0.1:8080/health',
    );
  });

  it('pins every server image to a version', () => {
    const images = [...composeText.matchAll(/image: \$\{\w+:-([^}]+)\}/g)].map((m) => m[1]);
    expect(images).toHaveLength(2);
    for (const image of images) expect(image).toMatch(/:\d+\.\d+[\w.-]*$/);
    expect(composeText).not.toMatch(/:latest\b/);
  });

  it("gives each health probe more time than /health's bounded read of the event store head", () => {
    const connectTimeoutMs = Number(/LICENSING_CONNECT_TIMEOUT_MS: "(\d+)"/.exec(composeText)![1]);
    const services = sections(`services:\n${composeText.split(/^services:\n/m)[1]}`);
    for (const name of ['api', 'projector']) {
      const timeout = /\n {6}timeout: (\d+)s\n/.exec(services[name])![1];
      expect(Number(timeout) * 1000).toBeGreaterThan(connectTimeoutMs);
    }
    // The image's own check, with the default connect timeout of 5 s.
    expect(Number(/^HEALTHCHECK .*--timeout=(\d+)s/m.exec(dockerfile)![1]) * 1000).toBeGreaterThan(5000);
  });
});

/** The normalised file's services, each as its block of text. */
function sections(normalised: string): Record<string, string> {
  const body = normalised.split(/^services:\n/m)[1].split(/^\S/m)[0];
  const found: Record<string, string> = {};
  for (const block of body.split(/^(?= {2}\S)/m)) {
    const name = /^ {2}([\w-]+):/.exec(block)?.[1];
    if (name) found[name] = block;
  }
  return found;
}

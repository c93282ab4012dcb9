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
  process.stdout.write('docker-compose.yml validation NOT RUN — the docker-compose command is not installed (apt-get install docker-compose); only its text is checked\n');
  describe('docker-compose.yml (text only: docker-compose is not installed)', () => {
    it('names KurrentDB, MongoDB, the API and the projector, each with a health check', () => {
      const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
      for (const name of ['kurrentdb', 'mongodb', 'api', 'projector']) expect(text).toMatch(new RegExp(`\\n  ${name}:\\n`));
      expect(text.match(/\n {4}healthcheck:/g)?.length).toBe(4);
    });
  });
} else {
  describe('docker-compose.yml', () => {
    const compose = (...args: string[]) => execFileSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: root, encoding: 'utf8' });

    it('validates, and runs KurrentDB, MongoDB, the API and the projector', () => {
      expect(compose('config', '--services').trim().split('\n').sort()).toEqual(['api', 'kurrentdb', 'mongodb', 'projector']);
    });

    it('gives every service a health check, and starts API and projector only once both servers are healthy', () => {
      const normalised = compose('config');
      const services = sections(normalised);
      for (const name of ['api', 'kurrentdb', 'mongodb', 'projector']) expect(services[name]).toMatch(/\n {4}healthcheck:\n/);
      for (const name of ['api', 'projector']) {
        expect(services[name]).toMatch(/depends_on:\n {6}kurrentdb:\n {8}condition: service_healthy\n {6}mongodb:\n {8}condition: service_healthy/);
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

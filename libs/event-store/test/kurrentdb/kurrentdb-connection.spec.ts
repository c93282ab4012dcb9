import { KurrentDbEventStore } from '../../src/kurrentdb/kurrentdb-event-store';

/** Issue 13, item 10: the client's own warnings quote the connection string; its password never gets out. */
describe('KurrentDB connection string warnings', () => {
  it("passes the client's warning on with the password masked, and prints nothing itself", async () => {
    const printed = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const warnings: string[] = [];
    try {
      const store = KurrentDbEventStore.fromConnectionString(
        'kurrentdb://admin:s3cr%40t@127.0.0.1:1?tls=false&unknownOption=1',
        {
          onWarning: (message) => warnings.push(message),
        },
      );
      await store.close();
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Unknown option key "unknownOption"');
    expect(warnings[0]).toContain('kurrentdb://admin:***@127.0.0.1:1');
    expect(warnings.join('\n')).not.toMatch(/s3cr/);
  });
});

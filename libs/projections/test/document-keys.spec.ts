import { DocumentKeys } from '../src/document-keys';

/** What makes a rebuild's document lookups cheap: equal ids are one string object, so Maps hash each id once. */
describe('DocumentKeys', () => {
  // Parts as a decoded event gives them: strings made afresh, equal in content but not the same objects.
  const fresh = (text: string) => (JSON.parse(JSON.stringify({ text })) as { text: string }).text;

  it('answers the id of the parts, the same object for the same parts however they were made', () => {
    const keys = new DocumentKeys();
    const first = keys.key(fresh('T1'), fresh('SUPEROFFICE'), fresh('sales'), fresh('u1'));
    expect(first).toBe('T1|SUPEROFFICE|sales|u1');
    // Which string object answers is not observable in JavaScript; that the table holds one id for both is.
    expect(keys.key(fresh('T1'), fresh('SUPEROFFICE'), fresh('sales'), fresh('u1'))).toBe(first);
    expect(keys.held).toBe(1);
    expect(keys.key('T1', 'u1')).toBe('T1|u1');
    expect(keys.key('T1', 'SUPEROFFICE', 'sales')).toBe('T1|SUPEROFFICE|sales');
    // Different arities with the same leading parts are different ids.
    expect(keys.key('T1', 'SUPEROFFICE')).toBe('T1|SUPEROFFICE');
    expect(keys.held).toBe(4);
  });

  it('keeps at most its capacity of ids, and still answers right after starting over', () => {
    const keys = new DocumentKeys(3);
    const ids = Array.from({ length: 10 }, (_, i) => keys.key('T', `u${i}`));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `T|u${i}`));
    expect(keys.held).toBeLessThanOrEqual(3);
    expect(keys.key('T', 'u9')).toBe(ids[9]);
  });
});

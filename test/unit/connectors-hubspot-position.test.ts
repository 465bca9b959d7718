import { describe, expect, it } from 'vitest';
import {
  START_MARGIN_MS,
  positionCodec,
  startPosition,
  type HubSpotPosition,
} from '../../connectors/hubspot/position.ts';
import { ConnectorError } from '../../connectors/sdk/errors.ts';

describe('hubspot position codec', () => {
  it('starts every configured object a safety margin before now', () => {
    const position = startPosition(['contacts', 'deals'], 1_000_000);
    const start = { ts: 1_000_000 - START_MARGIN_MS, ids: [] };
    expect(position).toEqual({
      objects: {
        contacts: { changes: start, deletes: start },
        deals: { changes: start, deletes: start },
      },
    });
  });

  it('round-trips through a versioned JSON string, objects in a fixed order', () => {
    const position: HubSpotPosition = {
      objects: {
        deals: { changes: { ts: 5, ids: [] }, deletes: { ts: 6, ids: ['9'] } },
        contacts: { changes: { ts: 1, ids: ['1', '2'] }, deletes: { ts: 2, ids: [] } },
      },
    };
    const text = positionCodec.encode(position);
    expect(JSON.parse(text)).toMatchObject({ hubspot: 1 });
    expect(text.indexOf('contacts')).toBeLessThan(text.indexOf('deals'));
    expect(positionCodec.decode(text)).toEqual(position);
    expect(positionCodec.encode(positionCodec.decode(text))).toBe(text);
  });

  it('refuses strings it did not write with a config error', () => {
    for (const foreign of [
      'not a position of this connector',
      '0/16B6C50',
      '{"hubspot":2,"objects":{}}',
      '{"objects":{}}',
      '{"hubspot":1,"objects":{"spaceships":{"c":[1,[]],"d":[1,[]]}}}',
      '{"hubspot":1,"objects":{"contacts":{"c":[1.5,[]],"d":[1,[]]}}}',
      '{"hubspot":1,"objects":{"contacts":{"c":[1,["x"]],"d":[1,[]]}}}',
      '{"hubspot":1,"objects":{"contacts":{"c":[1,[]]}}}',
    ]) {
      let caught: unknown;
      try {
        positionCodec.decode(foreign);
      } catch (err) {
        caught = err;
      }
      expect(caught, foreign).toBeInstanceOf(ConnectorError);
      expect((caught as ConnectorError).classification.class).toBe('config');
    }
  });

  it('keeps a change cursor’s window start, and reads positions written without one', () => {
    const position: HubSpotPosition = {
      objects: {
        contacts: { changes: { ts: 9, ids: ['3'], from: 4 }, deletes: { ts: 2, ids: [] } },
      },
    };
    const text = positionCodec.encode(position);
    expect(JSON.parse(text).objects.contacts.c).toEqual([9, ['3'], 4]);
    expect(positionCodec.decode(text)).toEqual(position);
    const old = '{"hubspot":1,"objects":{"contacts":{"c":[9,["3"]],"d":[2,[]]}}}';
    expect(positionCodec.decode(old).objects.contacts?.changes).toEqual({ ts: 9, ids: ['3'] });
    expect(() =>
      positionCodec.decode('{"hubspot":1,"objects":{"contacts":{"c":[9,[],10],"d":[2,[]]}}}'),
    ).toThrow(ConnectorError);
  });
});

import { eventErrors } from './errors.ts';

/**
 * Confluent's wire format: one magic byte 0, the schema id as a 4-byte big-endian integer,
 * then the Avro binary encoding of the value.
 */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

export function frame(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

export interface Frame {
  readonly schemaId: number;
  readonly payload: Buffer;
}

/** Splits a message; anything that is not a framed Avro message is a TANDEM_E_SCHEMA error. */
export function unframe(message: unknown): Frame {
  if (!Buffer.isBuffer(message)) {
    throw eventErrors.undecodable(
      `expected a Buffer, got ${message === null ? 'null' : typeof message}`,
    );
  }
  if (message.length < HEADER_LENGTH) {
    throw eventErrors.undecodable(`${message.length} bytes is shorter than the 5-byte header`);
  }
  const magic = message.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    throw eventErrors.undecodable(`magic byte ${magic}, expected ${MAGIC_BYTE}`);
  }
  const schemaId = message.readInt32BE(1);
  if (schemaId <= 0) throw eventErrors.undecodable(`schema id ${schemaId} is not a registry id`);
  return { schemaId, payload: message.subarray(HEADER_LENGTH) };
}

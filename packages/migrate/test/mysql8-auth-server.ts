// The login exchange of a MySQL 8 server that must run caching_sha2_password's
// full authentication (an unknown or wrong user, or a first login since the
// server started), for tests on machines that have MariaDB only: MariaDB has
// no caching_sha2_password and answers a bad login with 1045 at once.
// Packets as in MySQL's protocol documentation (Initial Handshake v10,
// AuthSwitchRequest, AuthMoreData, ERR); the exchange always ends in
// "access denied", like MySQL's answer for an account that does not exist.
// It is not a MySQL server: ci.yml's job runs the same tests against a real one.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import net from "node:net";

const PLUGIN = "caching_sha2_password";
// CLIENT_LONG_PASSWORD (MySQL, not MariaDB), CONNECT_WITH_DB, PROTOCOL_41,
// TRANSACTIONS, SECURE_CONNECTION, PLUGIN_AUTH, CONNECT_ATTRS,
// PLUGIN_AUTH_LENENC_CLIENT_DATA; no CLIENT_SSL: this server has no TLS.
const CAPABILITIES = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000 | 0x100000 | 0x200000;

function packet(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq & 0xff;
  return Buffer.concat([header, payload]);
}

function initialHandshake(nonce: Buffer): Buffer {
  const fixed = Buffer.alloc(2 + 1 + 2 + 2 + 1 + 10);
  fixed.writeUInt16LE(CAPABILITIES & 0xffff, 0);
  fixed[2] = 255; // collation id 255, MySQL 8.0+'s default for utf8mb4
  fixed.writeUInt16LE(0x0002, 3); // SERVER_STATUS_AUTOCOMMIT
  fixed.writeUInt16LE(CAPABILITIES >>> 16, 5);
  fixed[7] = nonce.length + 1;
  return Buffer.concat([
    Buffer.from([10]), // protocol version
    Buffer.from("8.4.7\0"),
    Buffer.from([1, 0, 0, 0]), // connection id
    nonce.subarray(0, 8),
    Buffer.from([0]),
    fixed,
    nonce.subarray(8),
    Buffer.from(`\0${PLUGIN}\0`),
  ]);
}

function accessDenied(user: string): Buffer {
  const code = Buffer.alloc(3);
  code[0] = 0xff;
  code.writeUInt16LE(1045, 1);
  return Buffer.concat([code, Buffer.from(`#28000Access denied for user '${user}'@'localhost' (using password: YES)`)]);
}

export interface Mysql8AuthServer {
  url(user: string, password: string, params?: string): string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0; each connection plays one refused login. */
export async function startMysql8AuthServer(): Promise<Mysql8AuthServer> {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = publicKey.export({ type: "spki", format: "pem" });
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const nonce = randomBytes(20);
    let user = "";
    let buffered = Buffer.alloc(0);
    let step = 0;
    socket.write(packet(0, initialHandshake(nonce)));
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUIntLE(0, 3)) {
        const length = buffered.readUIntLE(0, 3);
        const seq = buffered[3]!;
        const payload = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        step++;
        if (step === 1) {
          // HandshakeResponse41: capabilities(4) max packet(4) charset(1) filler(23), then the user
          user = payload.subarray(32, payload.indexOf(0, 32)).toString();
          // the driver answers with mysql_native_password; switch it to caching_sha2_password
          socket.write(
            packet(seq + 1, Buffer.concat([Buffer.from(`\xfe${PLUGIN}\0`, "latin1"), nonce, Buffer.from([0])])),
          );
        } else if (step === 2) {
          // the scramble: no cached entry for this account, so "perform full authentication"
          socket.write(packet(seq + 1, Buffer.from([0x01, 0x04])));
        } else if (payload.length === 1 && payload[0] === 0x02) {
          // "request public key" (the client has allowPublicKeyRetrieval)
          socket.write(packet(seq + 1, Buffer.concat([Buffer.from([0x01]), Buffer.from(pem)])));
        } else {
          // the RSA-encrypted password: no such account
          socket.end(packet(seq + 1, accessDenied(user)));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    url: (user, password, params = "") => `mysql://${user}:${password}@127.0.0.1:${port}/test${params}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

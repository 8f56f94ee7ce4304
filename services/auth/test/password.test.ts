import { hashPassword, verifyPassword } from "../src/password";

describe("password hashing (scrypt)", () => {
  it("when a password is hashed, then the stored string is a scrypt PHC string with N=2^15, r=8, p=1 and no plain text", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(stored).not.toContain("correct horse");
  });

  it("when the same password is hashed twice, then the salts (and hashes) differ", async () => {
    const [a, b] = await Promise.all([hashPassword("same password 123"), hashPassword("same password 123")]);
    expect(a).not.toEqual(b);
  });

  it("when verified, then only the right password matches", async () => {
    const stored = await hashPassword("correct horse battery staple");
    await expect(verifyPassword("correct horse battery staple", stored)).resolves.toBe(true);
    await expect(verifyPassword("correct horse battery stapl", stored)).resolves.toBe(false);
    await expect(verifyPassword("", stored)).resolves.toBe(false);
  });

  it("when the parameters were other ones, then verification reads them from the stored string", async () => {
    const cheap = await hashPassword("older parameters!", { ln: 10, r: 8, p: 1 });
    expect(cheap).toMatch(/^\$scrypt\$ln=10,/);
    await expect(verifyPassword("older parameters!", cheap)).resolves.toBe(true);
  });

  it("when one hash is computed, then it takes real work (memory-hard, not a fast hash)", async () => {
    const start = process.hrtime.bigint();
    await hashPassword("timing the key derivation");
    // N=2^15, r=8 walks 32 MiB: tens of milliseconds even on a fast core; a SHA-256 takes microseconds.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeGreaterThan(15);
  });

  it("when the stored string is not one this module wrote, then it is an error, not a mismatch", async () => {
    await expect(verifyPassword("whatever password", "5f4dcc3b5aa765d61d8327deb882cf99")).rejects.toThrow(/PHC/);
  });
});

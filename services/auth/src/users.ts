import { Prisma } from "./generated/prisma/client";
import type { AuthPrisma } from "./db";

export interface UserRecord {
  id: bigint;
  passwordHash: string;
}

export interface UserRepository {
  /** The new user's id, or undefined when the username is taken. */
  create(username: string, passwordHash: string): Promise<bigint | undefined>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
}

export function createUserRepository(prisma: AuthPrisma): UserRepository {
  return {
    async create(username, passwordHash) {
      try {
        const user = await prisma.user.create({ data: { username, passwordHash }, select: { id: true } });
        return user.id;
      } catch (err) {
        // P2002: the unique index on username; two concurrent sign-ups of one name get one 201 and one 409.
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return undefined;
        throw err;
      }
    },
    async findByUsername(username) {
      const user = await prisma.user.findUnique({ where: { username }, select: { id: true, passwordHash: true } });
      return user ?? undefined;
    },
  };
}

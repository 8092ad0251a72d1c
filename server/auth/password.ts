import { hash, verify } from '@node-rs/argon2';
import { passwordPolicy } from './password-policy';

export { passwordPolicy };

// argon2id (the library's default algorithm) with OWASP's minimum recommended cost.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verifying against a throwaway hash keeps response time the same for unknown emails. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash('plumbline-timing-equaliser', options);
  await verifyPassword(await dummyHash, password);
}

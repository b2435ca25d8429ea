// The optional fallback API key, encrypted with Electron's safeStorage (Keychain,
// DPAPI, libsecret/kwallet). Only ciphertext reaches the store; without any OS
// encryption the key is kept in memory for this session and never written.
import type { KeyValueStore, SecretStore } from '../../proxy/state/stores';

/** The slice of Electron's safeStorage this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

export const ENCRYPTED_API_KEY = 'encryptedApiKey';

export function secretStorageKind(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretStore['kind'] {
  if (!safeStorage.isEncryptionAvailable()) return 'memory';
  // Linux without a keyring falls back to a hard-coded password: encrypted, but not protected.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return 'basic_text';
  return 'os-keyring';
}

export function createSafeStorageSecretStore(
  safeStorage: SafeStorageLike,
  store: KeyValueStore,
  platform: NodeJS.Platform,
  onError: (message: string) => void = () => undefined,
): SecretStore {
  const kind = secretStorageKind(safeStorage, platform);
  let cached: string | null | undefined;

  function load(): string | null {
    if (kind === 'memory') return null;
    const stored = store.get(ENCRYPTED_API_KEY);
    if (typeof stored !== 'string' || stored === '') return null;
    try {
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch (error) {
      // e.g. the OS keyring was reset: the key is unusable, so it reads as not set.
      onError(`The saved API key could not be decrypted (${(error as Error).message}); set it again.`);
      return null;
    }
  }

  return {
    kind,
    get() {
      if (cached === undefined) cached = load();
      return cached;
    },
    set(key) {
      const value = key === null || key.trim() === '' ? null : key.trim();
      if (value === null) store.delete(ENCRYPTED_API_KEY);
      else if (kind !== 'memory') store.set(ENCRYPTED_API_KEY, safeStorage.encryptString(value).toString('base64'));
      cached = value;
    },
  };
}

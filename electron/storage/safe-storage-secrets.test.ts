import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../proxy/state/stores';
import { createSafeStorageSecretStore, ENCRYPTED_API_KEY, type SafeStorageLike } from './safe-storage-secrets';

function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    path: '/tmp/config.json',
    get: (key) => data.get(key),
    set: (key, value) => void data.set(key, value),
    delete: (key) => void data.delete(key),
  };
}

/** A reversible fake cipher, so plain text in the store would be visible. */
function fakeSafeStorage(options: { available?: boolean; backend?: string; broken?: boolean } = {}): SafeStorageLike {
  const { available = true, backend = 'gnome_libsecret', broken = false } = options;
  return {
    isEncryptionAvailable: () => available,
    encryptString: (text) => Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x5a)),
    decryptString: (buf) => {
      if (broken) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString');
      return Buffer.from([...buf].map((b) => b ^ 0x5a)).toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

const KEY = 'sk-ant-api03-secret-value';

describe('safeStorage secret store', () => {
  it('stores only ciphertext and reads the key back, also from a fresh instance', () => {
    const store = memoryStore();
    const secrets = createSafeStorageSecretStore(fakeSafeStorage(), store, 'darwin');
    expect(secrets.kind).toBe('os-keyring');
    expect(secrets.get()).toBeNull();
    secrets.set(KEY);
    const stored = store.data.get(ENCRYPTED_API_KEY);
    expect(typeof stored).toBe('string');
    expect(JSON.stringify([...store.data])).not.toContain('secret-value');
    expect(Buffer.from(stored as string, 'base64').toString()).not.toContain('secret');
    expect(secrets.get()).toBe(KEY);
    expect(createSafeStorageSecretStore(fakeSafeStorage(), store, 'darwin').get()).toBe(KEY);
  });

  it('clears the key with null', () => {
    const store = memoryStore();
    const secrets = createSafeStorageSecretStore(fakeSafeStorage(), store, 'win32');
    secrets.set(KEY);
    secrets.set(null);
    expect(secrets.get()).toBeNull();
    expect(store.data.has(ENCRYPTED_API_KEY)).toBe(false);
  });

  it('reports basic_text on Linux without a keyring', () => {
    const secrets = createSafeStorageSecretStore(fakeSafeStorage({ backend: 'basic_text' }), memoryStore(), 'linux');
    expect(secrets.kind).toBe('basic_text');
    expect(createSafeStorageSecretStore(fakeSafeStorage({ backend: 'kwallet6' }), memoryStore(), 'linux').kind).toBe(
      'os-keyring',
    );
  });

  it('keeps the key in memory only when no encryption is available', () => {
    const store = memoryStore();
    const secrets = createSafeStorageSecretStore(fakeSafeStorage({ available: false }), store, 'linux');
    expect(secrets.kind).toBe('memory');
    secrets.set(KEY);
    expect(secrets.get()).toBe(KEY);
    expect(store.data.size).toBe(0);
  });

  it('treats an undecryptable key as not set and says why', () => {
    const store = memoryStore();
    createSafeStorageSecretStore(fakeSafeStorage(), store, 'darwin').set(KEY);
    const errors: string[] = [];
    const secrets = createSafeStorageSecretStore(fakeSafeStorage({ broken: true }), store, 'darwin', (m) => errors.push(m));
    expect(secrets.get()).toBeNull();
    expect(errors[0]).toMatch(/could not be decrypted/);
  });
});

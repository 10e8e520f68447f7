/** What a real-name provider answers (providers.ts); shared by the providers and the job. */

export type ProviderVerdict = 'verified' | 'failed' | 'no_result';

export interface RealnameProvider {
  readonly name: 'registry' | 'http';
  /** Called at the start of every pass: loads or reloads data, may throw ProviderUnavailableError. */
  prepare(): Promise<void>;
  check(identity: { name: string; idNumber: string }): Promise<ProviderVerdict>;
}

/** The provider cannot answer now. `reason` is for logs and never holds names or numbers. */
export class ProviderUnavailableError extends Error {
  constructor(readonly reason: string, readonly retryable: boolean) {
    super(reason);
  }
}

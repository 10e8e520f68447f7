import type { Config } from '../../platform/config.js';
import type { Photo } from './photos.js';
import { createShumaiFaceProvider } from './face-http.js';

/**
 * Who decides whether a photo shows the person a name and resident ID number belong to (FACE_PROVIDER).
 *
 *  - `local-review` (default): compares nothing. It keeps the photos (the face and, when given, the ID card)
 *    encrypted in `face_checks` and leaves the decision to a system administrator
 *    (GET/POST /admin/face-checks). Outside production it lets every check pass at once so that the
 *    self-service flow can be developed and demonstrated without a vendor; the API answer says so
 *    (`provider: "local-review"`, `autoPassed: true`, a warning text) and the photos are still kept for review.
 *  - `http`: the vendor's "人脸身份证比对" (name + ID number + photo against the public-security photo) at
 *    FACE_URL; see face-http.ts. Nothing of the photo is kept; only the score and the vendor's order number.
 */

export type FaceOutcome = 'pass' | 'fail' | 'error' | 'pending_review';

export interface FaceCheckInput {
  name: string;
  idNumber: string;
  photo: Buffer;
  mime: Photo['mime'];
  /** A photo of the ID card's portrait side; only the local-review provider uses it (for its reviewer). */
  idCardPhoto?: Photo | null;
}

export interface FaceResult {
  outcome: FaceOutcome;
  /** Similarity 0–1 when the provider computes one. */
  score?: number;
  /** The provider's own id of the check (vendor order number). */
  reference?: string;
  /** A short code for logs and the review list, never personal data: low_score, identity_mismatch, unavailable … */
  reason?: string;
}

export interface FaceProvider {
  readonly name: 'local-review' | 'http';
  /** Whether the photos are kept (encrypted) for a person to review. */
  readonly keepsPhotos: boolean;
  /** Whether a check passes without anyone comparing faces (local-review outside production). */
  readonly autoPasses: boolean;
  /** Whether the ID card photo must come with the face photo (a reviewer needs something to compare against). */
  readonly needsIdCardPhoto: boolean;
  check(input: FaceCheckInput): Promise<FaceResult>;
}

/** The local-review provider: see the module comment. `autoPass` is true outside production. */
export function createLocalReviewProvider(options: { autoPass: boolean }): FaceProvider {
  return {
    name: 'local-review',
    keepsPhotos: true,
    autoPasses: options.autoPass,
    needsIdCardPhoto: !options.autoPass,
    async check() {
      return options.autoPass ? { outcome: 'pass', reason: 'development_auto_pass' } : { outcome: 'pending_review' };
    },
  };
}

export function createFaceProvider(config: Config): FaceProvider {
  if (config.faceProvider === 'http') {
    return createShumaiFaceProvider({ endpoint: config.faceUrl!, appCode: config.faceAppCode ?? '', passScore: config.facePassScore });
  }
  return createLocalReviewProvider({ autoPass: !config.production });
}

/** Who is asking: the identity every read and write is scoped to. */
export interface Viewer {
  /** Stable id of the customer (the owner of payments): the JWT `sub`, or a development user. */
  readonly id: string;
  /** When the credentials stop being valid (epoch ms), if they expire. */
  readonly expiresAt?: number;
  /** A merchant's back-office operator: may read every payment and order, and resolve reviews. */
  readonly operator?: boolean;
}

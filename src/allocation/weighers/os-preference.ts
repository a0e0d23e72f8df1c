import type { HostWeigher } from '../types.js';

/** OS preference: hosts whose OS category matches the guest's come first; the others still qualify. */
export const osPreference: HostWeigher = (h, { req }) =>
  req.osCategoryId !== null && h.osCategoryId !== null && h.osCategoryId === req.osCategoryId ? 0 : 1;

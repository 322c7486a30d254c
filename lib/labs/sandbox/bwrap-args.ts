/**
 * bwrap arguments for a minimal read-only system root: /usr read-only, the usual merged-/usr symlinks
 * and a fresh /proc. Shared by the availability probe and lab service sandboxes.
 */
export const READONLY_USR_ROOT: readonly string[] = [
  '--ro-bind',
  '/usr',
  '/usr',
  '--symlink',
  'usr/bin',
  '/bin',
  '--symlink',
  'usr/lib',
  '/lib',
  '--symlink',
  'usr/lib64',
  '/lib64',
  '--proc',
  '/proc',
]

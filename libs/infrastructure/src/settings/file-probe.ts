/** What a path is on disk; `missing` when nothing is there. */
export type PathKind = 'file' | 'directory' | 'other' | 'missing';

/**
 * The file-system questions settings ask before the bot starts (is DB_PATH usable, can the replay
 * file be read), injected so parseSettings stays pure and its specs need no real disk.
 */
export interface FileProbe {
  /** What `absolutePath` is (following symlinks); never throws. */
  kind(absolutePath: string): PathKind;
  /** The file's raw bytes (a candle file may be gzipped); throws a Node error (code ENOENT…) otherwise. */
  readBytes(absolutePath: string): Buffer;
}

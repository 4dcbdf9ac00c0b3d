/**
 * The code as of an earlier commit, beside this tree, for a bench that measures a change against
 * its baseline in the same run: a detached `git worktree` of that commit in a directory the bench
 * names (a temp dir, outside the repository), with this tree's node_modules linked into it. Removed
 * again, and pruned from the repository's list of worktrees, when the bench is done or interrupted.
 * When it cannot be made — no git, not a clone, the commit unknown or cut off by a shallow clone —
 * the answer says what to do, for the bench's MISSED row.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface BaselineTree {
  /** The worktree's top directory. */
  dir: string;
  commit: string;
  /** Takes the worktree away and prunes the repository's record of it; safe to call twice. */
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function failure(e: unknown): string {
  const stderr = (e as { stderr?: string }).stderr;
  return (stderr || (e instanceof Error ? e.message : String(e))).trim();
}

/** Checks `rev` out into `dir` (which must not exist yet), or says why it cannot. */
export function checkOutBaseline(root: string, rev: string, dir: string): BaselineTree | { missing: string } {
  try {
    git(root, ['--version']);
  } catch {
    return { missing: 'git is not installed (apt-get install git), and the baseline is checked out with it' };
  }
  try {
    git(root, ['rev-parse', '--git-dir']);
  } catch {
    return { missing: `${root} is not a git clone: run the bench in a clone of the repository` };
  }
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    const shallow = git(root, ['rev-parse', '--is-shallow-repository']) === 'true';
    return {
      missing: shallow
        ? `commit ${rev} is not in this shallow clone: git fetch --unshallow (or a deeper clone), then run again`
        : `commit ${rev} is not in this repository: git fetch, or set PPU_BENCH_BASELINE to a commit it has`,
    };
  }
  // A worktree a killed run left in a temp dir since wiped is only a stale record: prune it first.
  git(root, ['worktree', 'prune']);
  try {
    git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  } catch (e) {
    return { missing: `git worktree add of ${rev} failed: ${failure(e)}` };
  }
  const modules = join(dir, 'node_modules');
  symlinkSync(join(root, 'node_modules'), modules, 'junction');
  let removed = false;
  return {
    dir,
    commit,
    remove() {
      if (removed) return;
      removed = true;
      // The link goes first: the worktree's removal must never reach into this tree's node_modules.
      rmSync(modules, { force: true });
      try {
        git(root, ['worktree', 'remove', '--force', dir]);
      } catch {
        // Already gone (the bench's temp dir removed first): the prune below forgets it.
      }
      git(root, ['worktree', 'prune']);
    },
  };
}

// Turns file-system failures into the catalogue's words: a full disk and an unwritable folder are
// things a user can act on; anything else stays an internal error with its detail kept.
import { AppError, isAppError } from '../../shared/errors';

export function mapFsError(error: unknown, where: string): AppError {
  if (isAppError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const detail = `${where}: ${(error as Error | undefined)?.message ?? String(error)}`;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('DISK_FULL', { detail, cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOTDIR':
      return new AppError('SPOOL_UNWRITABLE', { detail, cause: error });
    default:
      return new AppError('INTERNAL', { detail, cause: error });
  }
}

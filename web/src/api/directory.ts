import { get, query } from './client.ts';
import type { DirectoryFilters, DirectoryPage, DirectoryVocabulary } from './types.ts';

export type DirectorySearch = DirectoryFilters & { q?: string; page?: number; limit?: number };

/** Correspondents from the regional and national directories, ranked by the server. */
export const searchDirectory = (search: DirectorySearch, signal?: AbortSignal) => get<DirectoryPage>(`/directory${query(search)}`, signal);

/** The values the filters take: professions, specialities (savoir-faire), departments, mailbox kinds. */
export const directoryVocabulary = (signal?: AbortSignal) => get<DirectoryVocabulary>('/directory/vocabulary', signal);

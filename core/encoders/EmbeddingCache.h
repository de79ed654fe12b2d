#pragma once

#include "encoders/Embedding.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace dragon {

class Encoder;

// On-disk cache of embeddings, keyed by encoder id and file content (XXH3 of the bytes), kept in
// a project's `name.dragon.d/embeddings/`. Layout: one folder per encoder (hash of its id), one
// file per content hash; each entry repeats the encoder id and content hash and ends with a
// checksum, so a damaged, truncated or foreign entry is detected, recomputed and replaced, never
// trusted. Entries are written to a temporary file and renamed, so two jobs (threads or
// processes) encoding the same file at once each leave a whole entry. A stat index
// (path -> size, mtime, content hash) lets a second open skip hashing unchanged files; a file
// whose size or mtime changed is hashed again and so re-encoded if its content changed.
class EmbeddingCache
{
public:
    explicit EmbeddingCache(std::string directory);
    ~EmbeddingCache(); // writes the stat index (errors ignored: it is only a speed-up)

    struct Stats
    {
        int hits = 0, misses = 0, corrupt = 0;
    };

    // The file's embedding under `encoder`: from the cache, else computed, stored and returned.
    // Audio errors (AudioError) and encoder errors (EncoderError) pass through; a cache that
    // cannot be written (read-only folder, full disk) still returns the embedding.
    Embedding embedFile(Encoder &encoder, const std::string &audioPath, bool *cacheHit = nullptr);

    std::optional<Embedding> find(const std::string &encoderId, std::uint64_t contentHash);
    void store(const std::string &encoderId, std::uint64_t contentHash, const Embedding &embedding);
    std::uint64_t contentHash(const std::string &audioPath); // uses the stat index
    std::string entryPath(const std::string &encoderId, std::uint64_t contentHash) const;
    // Whether the cache in `directory` holds any entry made by `encoderId` (a directory listing,
    // no file read): a project whose sets were embedded before can load them again at once.
    static bool holdsEntriesOf(const std::string &directory, const std::string &encoderId);
    void saveIndex();
    Stats stats() const;
    const std::string &directory() const { return m_directory; }

    // One file's line in the stat index.
    struct IndexEntry
    {
        std::uint64_t size = 0;
        std::int64_t mtimeNs = 0;
        std::uint64_t hash = 0;
    };

private:
    std::map<std::string, IndexEntry> readIndex() const;
    // The folder of `encoderId`'s entries (named by a hash of the id).
    static std::string encoderFolder(const std::string &directory, const std::string &encoderId);

    std::string m_directory;
    mutable std::mutex m_mutex;
    std::map<std::string, IndexEntry> m_index;
    bool m_indexDirty = false;
    Stats m_stats;
};

} // namespace dragon

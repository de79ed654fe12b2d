#include "encoders/EmbeddingCache.h"

#include "audio/AudioFileReader.h"
#include "encoders/Encoder.h"
#include "util/AtomicFileWriter.h"
#include "util/ContentHash.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

namespace dragon {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'D', 'R', 'G', 'E', 'M', 'B', '0', '1'};
constexpr const char *kIndexName = "stat-index.json";

template <typename T> void put(std::string &out, const T &value)
{
    out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

template <typename T> bool get(const std::string &in, std::size_t &at, T &value)
{
    if (at + sizeof(T) > in.size())
        return false;
    std::memcpy(&value, in.data() + at, sizeof(T));
    at += sizeof(T);
    return true;
}

std::string serialise(const std::string &encoderId, std::uint64_t hash, const Embedding &e)
{
    std::string out(kMagic, sizeof kMagic);
    put(out, std::uint32_t(encoderId.size()));
    out += encoderId;
    put(out, hash);
    put(out, std::int32_t(e.frames));
    put(out, std::int32_t(e.dimension));
    out.append(reinterpret_cast<const char *>(e.frameData.data()),
               e.frameData.size() * sizeof(float));
    out.append(reinterpret_cast<const char *>(e.clip.data()), e.clip.size() * sizeof(float));
    put(out, hashBytes(out.data(), out.size()));
    return out;
}

std::optional<Embedding> parse(const std::string &in, const std::string &encoderId,
                               std::uint64_t hash)
{
    if (in.size() < sizeof kMagic + 8 || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    std::uint64_t checksum = 0;
    std::memcpy(&checksum, in.data() + in.size() - 8, 8);
    if (checksum != hashBytes(in.data(), in.size() - 8))
        return std::nullopt;
    std::size_t at = sizeof kMagic;
    std::uint32_t idLength = 0;
    if (!get(in, at, idLength) || idLength != encoderId.size() || at + idLength > in.size() ||
        in.compare(at, idLength, encoderId) != 0)
        return std::nullopt;
    at += idLength;
    std::uint64_t storedHash = 0;
    std::int32_t frames = 0, dimension = 0;
    if (!get(in, at, storedHash) || storedHash != hash || !get(in, at, frames) ||
        !get(in, at, dimension) || frames < 1 || dimension < 1 || frames > (1 << 24) ||
        dimension > (1 << 16))
        return std::nullopt;
    const std::size_t values =
        std::size_t(frames) * std::size_t(dimension) + std::size_t(dimension);
    if (at + values * sizeof(float) + 8 != in.size())
        return std::nullopt;
    Embedding e;
    e.frames = frames;
    e.dimension = dimension;
    e.frameData.resize(std::size_t(frames) * std::size_t(dimension));
    e.clip.resize(std::size_t(dimension));
    std::memcpy(e.frameData.data(), in.data() + at, e.frameData.size() * sizeof(float));
    std::memcpy(e.clip.data(), in.data() + at + e.frameData.size() * sizeof(float),
                e.clip.size() * sizeof(float));
    if (!e.consistent())
        return std::nullopt;
    return e;
}

bool statFile(const std::string &path, std::uint64_t &size, std::int64_t &mtimeNs)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return false;
    size = std::uint64_t(st.st_size);
    mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    return true;
}

// One stat-index entry, [size, mtime in ns, content hash in hex], exactly as saveIndex writes
// it; anything else (a float, a negative size, a bad hex string: a damaged or hand-edited
// index) is no entry, so that file is hashed again. Checking the types first matters:
// nlohmann converts a float to an integer with a plain cast, undefined beyond the range.
std::optional<EmbeddingCache::IndexEntry> parseIndexEntry(const nlohmann::json &v)
{
    if (!v.is_array() || v.size() != 3 || !v[0].is_number_unsigned() || !v[1].is_number_integer() ||
        !v[2].is_string())
        return std::nullopt;
    const std::string &hex = v[2].get_ref<const std::string &>();
    if (hex.empty() || hex.size() > 16 ||
        hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        return std::nullopt;
    return EmbeddingCache::IndexEntry{v[0].get<std::uint64_t>(), v[1].get<std::int64_t>(),
                                      std::stoull(hex, nullptr, 16)};
}

} // namespace

EmbeddingCache::EmbeddingCache(std::string directory) : m_directory(std::move(directory))
{
    m_index = readIndex();
}

std::map<std::string, EmbeddingCache::IndexEntry> EmbeddingCache::readIndex() const
{
    std::map<std::string, IndexEntry> index;
    std::ifstream in(fs::path(m_directory) / kIndexName);
    if (!in)
        return index;
    try {
        const auto j = nlohmann::json::parse(in);
        for (const auto &[path, v] : j.at("files").items())
            if (auto entry = parseIndexEntry(v))
                index[path] = *entry;
    } catch (const std::exception &) {
        index.clear(); // a damaged index only costs hashing again
    }
    return index;
}

EmbeddingCache::~EmbeddingCache()
{
    try {
        saveIndex();
    } catch (const std::exception &) {
    }
}

std::string EmbeddingCache::entryPath(const std::string &encoderId, std::uint64_t contentHash) const
{
    return (fs::path(encoderFolder(m_directory, encoderId)) / (toHex(contentHash) + ".emb"))
        .string();
}

std::string EmbeddingCache::encoderFolder(const std::string &directory,
                                          const std::string &encoderId)
{
    return (fs::path(directory) / toHex(hashBytes(encoderId.data(), encoderId.size()))).string();
}

bool EmbeddingCache::holdsEntriesOf(const std::string &directory, const std::string &encoderId)
{
    const fs::path folder = encoderFolder(directory, encoderId);
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".emb")
            return true;
    return false;
}

std::uint64_t EmbeddingCache::contentHash(const std::string &audioPath)
{
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    const bool statted = statFile(audioPath, size, mtime);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto it = m_index.find(audioPath);
        if (statted && it != m_index.end() && it->second.size == size &&
            it->second.mtimeNs == mtime)
            return it->second.hash;
    }
    const std::uint64_t hash = hashFileContent(audioPath);
    if (statted) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_index[audioPath] = {size, mtime, hash};
        m_indexDirty = true;
    }
    return hash;
}

std::optional<Embedding> EmbeddingCache::find(const std::string &encoderId, std::uint64_t hash)
{
    const std::string path = entryPath(encoderId, hash);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto parsed = parse(bytes.str(), encoderId, hash);
    if (!parsed) {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_stats.corrupt;
    }
    return parsed;
}

void EmbeddingCache::store(const std::string &encoderId, std::uint64_t hash,
                           const Embedding &embedding)
{
    const std::string path = entryPath(encoderId, hash);
    fs::create_directories(fs::path(path).parent_path());
    AtomicFileWriter::write(path, serialise(encoderId, hash, embedding),
                            AtomicFileWriter::Durability::Fast);
}

Embedding EmbeddingCache::embedFile(Encoder &encoder, const std::string &audioPath, bool *cacheHit)
{
    const std::string id = encoder.id();
    std::uint64_t hash = 0;
    bool hashed = false;
    try {
        hash = contentHash(audioPath);
        hashed = true;
    } catch (const std::exception &) {
        // Unreadable: let the audio reader produce the proper error below.
    }
    if (hashed)
        if (auto cached = find(id, hash)) {
            std::lock_guard<std::mutex> lock(m_mutex);
            ++m_stats.hits;
            if (cacheHit)
                *cacheHit = true;
            return *cached;
        }
    AudioReadOptions options;
    options.targetSampleRate = encoder.sampleRate();
    Embedding e = encoder.embed(AudioFileReader::read(audioPath, options));
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_stats.misses;
    }
    if (cacheHit)
        *cacheHit = false;
    if (hashed) {
        try {
            store(id, hash, e);
        } catch (const std::exception &) {
            // Read-only or full disk: the embedding is still right, only not cached.
        }
    }
    return e;
}

void EmbeddingCache::saveIndex()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_indexDirty)
        return;
    // Merge with what another process may have written meanwhile; ours wins on conflicts.
    std::map<std::string, IndexEntry> merged = readIndex();
    for (const auto &[path, entry] : m_index)
        merged[path] = entry;
    nlohmann::json files = nlohmann::json::object();
    for (const auto &[path, entry] : merged)
        files[path] = {entry.size, entry.mtimeNs, toHex(entry.hash)};
    fs::create_directories(m_directory);
    AtomicFileWriter::write((fs::path(m_directory) / kIndexName).string(),
                            nlohmann::json{{"version", 1}, {"files", files}}.dump(),
                            AtomicFileWriter::Durability::Fast);
    m_indexDirty = false;
}

EmbeddingCache::Stats EmbeddingCache::stats() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_stats;
}

} // namespace dragon

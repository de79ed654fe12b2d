#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace dragon {

// Words -> ids for the pocket model's text encoder: the caption grammar's vocabulary plus hashed
// buckets (FNV-1a) for unknown words, so any prompt maps to something stable.
// Id 0 is padding; prompts longer than maxTokens are cut and `truncated` says so.
class TextTokenizer
{
public:
    static constexpr int kHashBuckets = 64;

    explicit TextTokenizer(std::vector<std::string> vocabulary, int maxTokens = 24);

    struct Result
    {
        std::vector<std::int64_t> ids; // length maxTokens, 0-padded
        int length = 0;
        bool truncated = false;
        int unknownWords = 0;
        std::vector<std::string> unknown; // those words, in order, each once
    };
    Result encode(const std::string &text) const;
    static std::vector<std::string> words(const std::string &text);
    // Words for a message: the first `shown` quoted and comma-separated, then ", ... (N words)"
    // when there are more ("" for none).
    static std::string quoteWords(const std::vector<std::string> &words, std::size_t shown = 8);

    int vocabularySize() const { return 1 + int(m_vocabulary.size()) + kHashBuckets; }
    int maxTokens() const { return m_maxTokens; }

private:
    std::vector<std::string> m_vocabulary;
    std::unordered_map<std::string, std::int64_t> m_ids;
    int m_maxTokens;
};

} // namespace dragon

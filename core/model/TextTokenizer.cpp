#include "model/TextTokenizer.h"

#include <algorithm>
#include <cctype>

namespace dragon {

TextTokenizer::TextTokenizer(std::vector<std::string> vocabulary, int maxTokens)
    : m_vocabulary(std::move(vocabulary)), m_maxTokens(maxTokens)
{
    for (std::size_t i = 0; i < m_vocabulary.size(); ++i)
        m_ids.emplace(m_vocabulary[i], static_cast<std::int64_t>(i + 1));
}

std::vector<std::string> TextTokenizer::words(const std::string &text)
{
    std::vector<std::string> out;
    std::string word;
    for (char ch : text + " ") {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || ch == '#' || c >= 0x80) {
            word.push_back(static_cast<char>(std::tolower(c)));
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    return out;
}

std::string TextTokenizer::quoteWords(const std::vector<std::string> &words, std::size_t shown)
{
    std::string named;
    for (std::size_t i = 0; i < words.size() && i < shown; ++i)
        named += (i ? ", \"" : "\"") + words[i] + "\"";
    if (words.size() > shown)
        named += ", ... (" + std::to_string(words.size()) + " words)";
    return named;
}

TextTokenizer::Result TextTokenizer::encode(const std::string &text) const
{
    Result result;
    result.ids.assign(static_cast<std::size_t>(m_maxTokens), 0);
    const auto all = words(text);
    result.truncated = int(all.size()) > m_maxTokens;
    for (const std::string &w : all) {
        if (result.length >= m_maxTokens)
            break;
        const auto it = m_ids.find(w);
        std::int64_t id;
        if (it != m_ids.end()) {
            id = it->second;
        } else {
            std::uint32_t h = 2166136261u;
            for (unsigned char c : w)
                h = (h ^ c) * 16777619u;
            id = 1 + static_cast<std::int64_t>(m_vocabulary.size()) + h % kHashBuckets;
            ++result.unknownWords;
            if (std::find(result.unknown.begin(), result.unknown.end(), w) == result.unknown.end())
                result.unknown.push_back(w);
        }
        result.ids[static_cast<std::size_t>(result.length++)] = id;
    }
    return result;
}

} // namespace dragon

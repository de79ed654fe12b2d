#pragma once

#include "encoders/Embedding.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace dragon {

class Encoder;
class EmbeddingCache;
struct ExemplarSet;

// The embeddings of one exemplar set under one encoder: audio items (frames + clip) and text
// items (text tower), plus every item that could not be used and why.
struct ExemplarEmbeddings
{
    std::string setId;
    std::string encoderId;
    std::vector<Embedding> audio;
    std::vector<std::string> audioPaths;
    std::vector<std::vector<float>> text;
    std::vector<std::string> texts;
    std::vector<std::pair<std::string, std::string>> problems; // item, reason
    // Text items with words the text tower does not know (Encoder::unknownWords): embedded, but
    // those words carry little meaning. Item, its unknown words.
    std::vector<std::pair<std::string, std::vector<std::string>>> unknownWords;
    std::string knownWordsHint; // Encoder::knownWordsHint, set when unknownWords is not empty
    bool cancelled = false;
    int cacheHits = 0;
    bool empty() const { return audio.empty() && text.empty(); }
};

struct EmbeddingProgress
{
    int done = 0, total = 0, cacheHits = 0;
    std::string current;
};

// Embeds an exemplar set item by item (cache first). A file that cannot be read or encoded is
// listed in problems and skipped; text items on an encoder without a text tower are one
// problem each with that reason; text items with unknown words are listed in unknownWords.
// Cancel is checked between items.
class ExemplarSetEmbedder
{
public:
    using Progress = std::function<void(const EmbeddingProgress &)>;
    static ExemplarEmbeddings embed(const ExemplarSet &set, Encoder &encoder, EmbeddingCache *cache,
                                    const Progress &progress = {},
                                    const std::atomic<bool> *cancel = nullptr);
    // One line for users about embedded.unknownWords ("" when there are none): how many text
    // items, the words (the first eight) and which words the encoder does know
    // (embedded.knownWordsHint).
    static std::string unknownWordsNote(const ExemplarEmbeddings &embedded,
                                        const std::string &encoderName);
};

} // namespace dragon

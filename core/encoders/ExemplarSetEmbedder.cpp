#include "encoders/ExemplarSetEmbedder.h"

#include "audio/AudioFileReader.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/Encoder.h"
#include "model/TextTokenizer.h"
#include "project/Project.h"

#include <algorithm>

namespace dragon {

ExemplarEmbeddings ExemplarSetEmbedder::embed(const ExemplarSet &set, Encoder &encoder,
                                              EmbeddingCache *cache, const Progress &progress,
                                              const std::atomic<bool> *cancel)
{
    ExemplarEmbeddings out;
    out.setId = set.id;
    out.encoderId = encoder.id();
    EmbeddingProgress p;
    p.total = int(set.items.size());
    std::vector<std::string> texts;
    for (const auto &item : set.items) {
        if (cancel && cancel->load()) {
            out.cancelled = true;
            break;
        }
        p.current = item.kind == ExemplarItem::Kind::Audio ? item.path : item.text;
        if (item.kind == ExemplarItem::Kind::Text) {
            if (!encoder.hasTextTower())
                out.problems.emplace_back(item.text,
                                          "text exemplar: " + encoder.displayName() +
                                              " has no text tower (choose pocket-clap or a "
                                              "plug-in with embed_text)");
            else {
                texts.push_back(item.text);
                auto unknown = encoder.unknownWords(item.text);
                if (!unknown.empty())
                    out.unknownWords.emplace_back(item.text, std::move(unknown));
            }
        } else {
            try {
                bool hit = false;
                Embedding e;
                if (cache) {
                    e = cache->embedFile(encoder, item.path, &hit);
                } else {
                    AudioReadOptions options;
                    options.targetSampleRate = encoder.sampleRate();
                    e = encoder.embed(AudioFileReader::read(item.path, options));
                }
                out.audio.push_back(std::move(e));
                out.audioPaths.push_back(item.path);
                if (hit)
                    ++p.cacheHits;
            } catch (const std::exception &e) {
                out.problems.emplace_back(item.path, e.what());
            }
        }
        ++p.done;
        if (progress)
            progress(p);
    }
    if (!texts.empty() && !out.cancelled) {
        try {
            out.text = encoder.embedText(texts);
            out.texts = texts;
        } catch (const std::exception &e) {
            for (const auto &t : texts)
                out.problems.emplace_back(t, e.what());
        }
    }
    if (!out.unknownWords.empty())
        out.knownWordsHint = encoder.knownWordsHint();
    out.cacheHits = p.cacheHits;
    if (cache) {
        try {
            cache->saveIndex();
        } catch (const std::exception &) {
            // Read-only project folder: the index is only a speed-up.
        }
    }
    return out;
}

std::string ExemplarSetEmbedder::unknownWordsNote(const ExemplarEmbeddings &embedded,
                                                  const std::string &encoderName)
{
    if (embedded.unknownWords.empty())
        return {};
    std::vector<std::string> words;
    for (const auto &[item, unknown] : embedded.unknownWords)
        for (const auto &w : unknown)
            if (std::find(words.begin(), words.end(), w) == words.end())
                words.push_back(w);
    const std::string named = TextTokenizer::quoteWords(words);
    std::string note = std::to_string(embedded.unknownWords.size()) + " of " +
                       std::to_string(embedded.texts.empty() ? embedded.unknownWords.size()
                                                             : embedded.texts.size()) +
                       " text items use words " + encoderName + " does not know (" + named +
                       "): they carry little meaning";
    if (!embedded.knownWordsHint.empty())
        note += "; " + embedded.knownWordsHint;
    return note;
}

} // namespace dragon

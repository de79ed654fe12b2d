#pragma once

#include "audio/AudioBuffer.h"
#include "encoders/Embedding.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace dragon {

// Every encoder failure (unusable plug-in, no text tower, bad output) with a message for users.
class EncoderError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// An audio encoder: frame embeddings, a clip embedding and, for cross-modal encoders, text
// embeddings in the same space. Torch-free interface; implementations use torch inside.
class Encoder
{
public:
    virtual ~Encoder() = default;

    // Stable across runs and machines for the same weights and code version: the cache key.
    virtual std::string id() const = 0;
    virtual std::string displayName() const = 0;
    virtual int sampleRate() const = 0;
    virtual int dimension() const = 0;
    virtual bool hasTextTower() const { return false; }
    // Empty when the encoder's files were verified (or are built in); else why they were not.
    virtual std::string integrityWarning() const { return {}; }
    // Names of the dimensions where they mean something (music-features); empty otherwise.
    virtual std::vector<std::string> dimensionNames() const { return {}; }

    // Any rate and channel count: mixed to mono and resampled to sampleRate() first. Throws
    // EncoderError for empty audio or non-finite output.
    Embedding embed(const AudioBuffer &audio);
    // Several clips at once (same results as embed() one by one); encoders that can batch
    // equal-length clips through their network override embedMonoBatch.
    std::vector<Embedding> embedBatch(const std::vector<AudioBuffer> &audio);
    // [texts][dimension]. Throws EncoderError when the encoder has no text tower.
    virtual std::vector<std::vector<float>> embedText(const std::vector<std::string> &texts);
    // The words of `text` the text tower has no token for, each once, in order (they still
    // embed, as shared hashed buckets that carry little meaning). Empty when all are known or
    // the encoder cannot tell.
    virtual std::vector<std::string> unknownWords(const std::string &text) const;
    // What the text tower does know, for users who used unknown words ("it knows styles (...)");
    // empty when the encoder cannot say.
    virtual std::string knownWordsHint() const { return {}; }

protected:
    // Mono samples at sampleRate(), at least one sample.
    virtual Embedding embedMono(const std::vector<float> &mono) = 0;
    virtual std::vector<Embedding> embedMonoBatch(const std::vector<std::vector<float>> &mono);
};

} // namespace dragon

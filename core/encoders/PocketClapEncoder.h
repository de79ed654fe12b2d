#pragma once

#include "encoders/Encoder.h"

#include <memory>

namespace dragon {

class PocketClap;

// "pocket-clap": the bundled contrastive audio/text encoder (see PocketClapModel.h). Frame
// embeddings are the audio tower's tokens (about 12 per second); the clip embedding is their
// L2-normalised mean, in the same space as embedText(). The id includes the checkpoint's
// content hash, so retrained weights never reuse old cache entries.
class PocketClapEncoder : public Encoder
{
public:
    // Throws EncoderError if the checkpoint cannot be used.
    explicit PocketClapEncoder(const std::string &checkpoint = defaultCheckpoint());
    ~PocketClapEncoder() override;
    static std::string defaultCheckpoint();

    std::string id() const override { return m_id; }
    std::string displayName() const override { return "pocket-clap (audio + text)"; }
    int sampleRate() const override;
    int dimension() const override;
    bool hasTextTower() const override { return true; }
    std::vector<std::vector<float>> embedText(const std::vector<std::string> &texts) override;
    std::vector<std::string> unknownWords(const std::string &text) const override;
    std::string knownWordsHint() const override;

protected:
    Embedding embedMono(const std::vector<float> &mono) override;
    // Clips of one window or less and equal length go through the network as one batch.
    std::vector<Embedding> embedMonoBatch(const std::vector<std::vector<float>> &mono) override;

private:
    std::unique_ptr<PocketClap> m_clap;
    std::string m_id;
};

} // namespace dragon

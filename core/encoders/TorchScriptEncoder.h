#pragma once

#include "encoders/Encoder.h"

#include <memory>

namespace dragon {

// A user's encoder as a TorchScript file (DESIGN section 5):
//   sample_rate() -> int, embedding_dim() -> int, embed_audio(x: Tensor[B, T]) -> Tensor[B, F, D],
//   optional embed_text(texts: List[str]) -> Tensor[N, D], name() -> str, version() -> str.
// Everything is checked at load time on probe inputs: methods present, return types, shapes,
// float32, finite values, and the same embedding for a clip alone and inside a batch (a model
// traced with a fixed batch size fails that). Files must come from torch <= 1.13 (TorchScript
// file format <= 10): newer files are refused with that advice. Audio longer than 30 s is
// embedded in 30 s windows whose frames are concatenated.
// Integrity: when NAME.pt.reference.json lies beside the file (written by the exporter: the
// file's CRC-32 and embed_audio's output on a fixed probe; see core/encoders/README.md), a file
// whose bytes or output differ is refused as damaged; without it, integrityWarning() says so.
class TorchScriptEncoder : public Encoder
{
public:
    explicit TorchScriptEncoder(const std::string &path); // throws EncoderError
    ~TorchScriptEncoder() override;

    std::string id() const override;
    std::string displayName() const override;
    int sampleRate() const override;
    int dimension() const override;
    bool hasTextTower() const override;
    std::string integrityWarning() const override;
    std::vector<std::vector<float>> embedText(const std::vector<std::string> &texts) override;

protected:
    Embedding embedMono(const std::vector<float> &mono) override;

public:
    static std::string referencePath(const std::string &pluginPath);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dragon

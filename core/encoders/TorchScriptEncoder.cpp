#include "encoders/TorchScriptEncoder.h"

#include "encoders/EmbeddingTensors.h"
#include "util/ContentHash.h"

#include <caffe2/serialize/versions.h>
#include <torch/script.h>

#include <cmath>
#include <filesystem>

namespace dragon {

namespace {
constexpr int64_t kWindowSeconds = 30;

std::string firstLine(const std::string &text)
{
    const auto end = text.find('\n');
    return text.substr(0, std::min<std::size_t>(end, 300));
}
} // namespace

struct TorchScriptEncoder::Impl
{
    torch::jit::Module module;
    std::string path, id, name;
    int rate = 0, dimension = 0;
    bool text = false;

    [[noreturn]] void fail(const std::string &what) const
    {
        throw EncoderError(path + ": " + what);
    }

    int64_t intMethod(const char *method, int64_t low, int64_t high)
    {
        c10::IValue v;
        try {
            v = module.get_method(method)({});
        } catch (const c10::Error &e) {
            fail(std::string(method) + "() failed: " + firstLine(e.what_without_backtrace()));
        }
        if (!v.isInt())
            fail(std::string(method) + "() must return an int, got " + v.tagKind());
        if (v.toInt() < low || v.toInt() > high)
            fail(std::string(method) + "() returned " + std::to_string(v.toInt()) + ", outside [" +
                 std::to_string(low) + ", " + std::to_string(high) + "]");
        return v.toInt();
    }

    std::string optionalString(const char *method, const std::string &fallback)
    {
        if (!module.find_method(method))
            return fallback;
        try {
            const auto v = module.get_method(method)({});
            if (v.isString())
                return v.toStringRef();
        } catch (const c10::Error &) {
        }
        fail(std::string(method) + "() must return a str");
    }

    torch::Tensor embedAudio(const torch::Tensor &x, const std::string &what)
    {
        c10::IValue v;
        try {
            v = module.get_method("embed_audio")({x});
        } catch (const c10::Error &e) {
            fail("embed_audio failed on " + what + ": " + firstLine(e.what_without_backtrace()));
        }
        if (!v.isTensor())
            fail("embed_audio must return a Tensor[B, F, D], got " + std::string(v.tagKind()));
        const auto out = v.toTensor();
        if (out.scalar_type() != torch::kFloat32)
            fail(std::string("embed_audio returned dtype ") + c10::toString(out.scalar_type()) +
                 "; expected float32");
        if (out.dim() != 3 || out.size(0) != x.size(0) || out.size(1) < 1 || out.size(2) != dimension)
            fail("embed_audio returned shape " + c10::str(out.sizes()) + " for input " + c10::str(x.sizes()) +
                 "; expected [" + std::to_string(x.size(0)) + ", F >= 1, " + std::to_string(dimension) +
                 "] (embedding_dim() = " + std::to_string(dimension) + ")");
        if (!torch::isfinite(out).all().item<bool>())
            fail("embed_audio returned NaN or infinite values on " + what);
        return out;
    }

    torch::Tensor embedTexts(const std::vector<std::string> &texts)
    {
        c10::List<std::string> list;
        for (const auto &t : texts)
            list.push_back(t);
        c10::IValue v;
        try {
            v = module.get_method("embed_text")({list});
        } catch (const c10::Error &e) {
            fail("embed_text failed: " + firstLine(e.what_without_backtrace()));
        }
        if (!v.isTensor())
            fail("embed_text must return a Tensor[N, D], got " + std::string(v.tagKind()));
        const auto out = v.toTensor();
        if (out.scalar_type() != torch::kFloat32)
            fail(std::string("embed_text returned dtype ") + c10::toString(out.scalar_type()) + "; expected float32");
        if (out.dim() != 2 || out.size(0) != int64_t(texts.size()) || out.size(1) != dimension)
            fail("embed_text returned shape " + c10::str(out.sizes()) + " for " + std::to_string(texts.size()) +
                 " texts; expected [" + std::to_string(texts.size()) + ", " + std::to_string(dimension) + "]");
        if (!torch::isfinite(out).all().item<bool>())
            fail("embed_text returned NaN or infinite values");
        return out;
    }

    void validate()
    {
        for (const char *required : {"sample_rate", "embedding_dim", "embed_audio"})
            if (!module.find_method(required))
                fail(std::string("not a DRAGON encoder plug-in: method ") + required +
                     "() is missing (required: sample_rate() -> int, embedding_dim() -> int, "
                     "embed_audio(x: Tensor[B, T]) -> Tensor[B, F, D]; optional: embed_text, name, version)");
        rate = int(intMethod("sample_rate", 4000, 384000));
        dimension = int(intMethod("embedding_dim", 1, 65536));
        name = optionalString("name", std::filesystem::path(path).stem().string());
        const std::string version = optionalString("version", "");

        // Probe: two different 1.5 s clips (a tone and a softer, higher tone with noise).
        torch::NoGradGuard noGrad;
        const auto t = torch::arange(int64_t(rate * 3 / 2), torch::kFloat32) / float(rate);
        auto gen = at::detail::createCPUGenerator(1234);
        const auto a = 0.5 * torch::sin(2 * M_PI * 440.0 * t);
        const auto b = 0.2 * torch::sin(2 * M_PI * 1250.0 * t) + 0.05 * torch::randn(t.sizes(), gen);
        const auto batch = torch::stack({a, b}).to(torch::kFloat32);
        const auto both = embedAudio(batch, "a probe batch [2, " + std::to_string(batch.size(1)) + "]");
        const auto alone = embedAudio(batch.narrow(0, 0, 1), "a single probe clip");
        const double scale = 1.0 + both.abs().max().item<double>();
        if (alone.sizes() != both.narrow(0, 0, 1).sizes() ||
            (alone - both.narrow(0, 0, 1)).abs().max().item<double>() > 1e-3 * scale)
            fail("embed_audio gives a different embedding for the same clip alone and in a batch "
                 "(a model traced with a fixed batch size or shape?)");
        embedAudio(torch::zeros({1, int64_t(rate)}), "one second of silence");
        text = bool(module.find_method("embed_text"));
        if (text)
            embedTexts({"a probe prompt", "another probe prompt"});
        id = "ts:" + name + (version.empty() ? "" : "@" + version) + ":" + toHex(hashFileContent(path));
    }
};

TorchScriptEncoder::TorchScriptEncoder(const std::string &path) : m_impl(std::make_unique<Impl>())
{
    m_impl->path = path;
    if (!std::filesystem::is_regular_file(path))
        m_impl->fail("encoder file does not exist");
    try {
        m_impl->module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error &e) {
        const std::string why = firstLine(e.what_without_backtrace());
        if (why.find("version") != std::string::npos)
            m_impl->fail("this TorchScript file comes from a newer PyTorch than this build supports (" + why +
                         "). DRAGON Studio reads TorchScript from torch <= " TORCH_VERSION
                         " (file format <= " + std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) +
                         "): export it again with that torch version");
        m_impl->fail("not a loadable TorchScript file (" + why + "). Encoders are saved with torch.jit.save("
                     "torch.jit.script(model)) from torch <= " TORCH_VERSION);
    } catch (const std::exception &e) {
        m_impl->fail(std::string("not a loadable TorchScript file (") + e.what() + ")");
    }
    m_impl->module.eval();
    m_impl->validate();
}

TorchScriptEncoder::~TorchScriptEncoder() = default;

std::string TorchScriptEncoder::id() const { return m_impl->id; }
std::string TorchScriptEncoder::displayName() const { return m_impl->name + " (TorchScript)"; }
int TorchScriptEncoder::sampleRate() const { return m_impl->rate; }
int TorchScriptEncoder::dimension() const { return m_impl->dimension; }
bool TorchScriptEncoder::hasTextTower() const { return m_impl->text; }

Embedding TorchScriptEncoder::embedMono(const std::vector<float> &mono)
{
    torch::NoGradGuard noGrad;
    const auto audio = torch::from_blob(const_cast<float *>(mono.data()), {int64_t(mono.size())}, torch::kFloat32);
    const int64_t window = kWindowSeconds * m_impl->rate;
    std::vector<torch::Tensor> frames;
    for (int64_t start = 0; start < audio.size(0); start += window) {
        const auto piece = audio.narrow(0, start, std::min(window, audio.size(0) - start)).unsqueeze(0);
        frames.push_back(m_impl->embedAudio(piece, "a clip").squeeze(0));
    }
    return embeddingFromFrames(torch::cat(frames, 0));
}

std::vector<std::vector<float>> TorchScriptEncoder::embedText(const std::vector<std::string> &texts)
{
    if (!m_impl->text)
        return Encoder::embedText(texts);
    torch::NoGradGuard noGrad;
    const auto e = m_impl->embedTexts(texts).contiguous();
    std::vector<std::vector<float>> out;
    for (int64_t i = 0; i < e.size(0); ++i)
        out.emplace_back(e[i].data_ptr<float>(), e[i].data_ptr<float>() + e.size(1));
    return out;
}

} // namespace dragon

#include "encoders/TorchScriptEncoder.h"

#include "encoders/EmbeddingTensors.h"
#include "model/TorchLoadError.h"
#include "util/ContentHash.h"
#include "util/JsonFormatError.h"
#include "util/JsonObject.h"
#include "util/StrictJson.h"

#include <caffe2/serialize/versions.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <torch/script.h>
#include <zlib.h>

namespace dragon {

namespace {
constexpr int64_t kWindowSeconds = 30;

std::string firstLine(const std::string &text)
{
    const auto end = text.find('\n');
    return text.substr(0, std::min<std::size_t>(end, 300));
}
// CRC-32 (zlib's, the same as Python's zlib.crc32) of a file's bytes.
std::uint32_t fileCrc32(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<char> block(1 << 20);
    uLong crc = crc32(0L, Z_NULL, 0);
    while (in) {
        in.read(block.data(), std::streamsize(block.size()));
        const auto got = in.gcount();
        if (got > 0)
            crc = crc32(crc, reinterpret_cast<const Bytef *>(block.data()), uInt(got));
    }
    return std::uint32_t(crc);
}
// The reference probe: one second of a 440 Hz tone at half scale, [1, sr] float32. In Python:
// 0.5 * torch.sin(2 * math.pi * 440.0 * (torch.arange(sr) / sr)).unsqueeze(0)
torch::Tensor referenceProbe(int sampleRate)
{
    const auto t = torch::arange(int64_t(sampleRate), torch::kFloat32) / float(sampleRate);
    return (0.5 * torch::sin(2 * M_PI * 440.0 * t)).to(torch::kFloat32).unsqueeze(0);
}
} // namespace

struct TorchScriptEncoder::Impl
{
    torch::jit::Module module;
    std::string path, id, name;
    std::string integrity; // empty: verified against the reference beside the file
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
        } catch (...) {
            fail(std::string(method) + "() failed: " + TorchLoadError::describeCurrent());
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
        } catch (...) {
        }
        fail(std::string(method) + "() must return a str");
    }

    torch::Tensor embedAudio(const torch::Tensor &x, const std::string &what)
    {
        c10::IValue v;
        try {
            v = module.get_method("embed_audio")({x});
        } catch (...) {
            fail("embed_audio failed on " + what + ": " + TorchLoadError::describeCurrent());
        }
        if (!v.isTensor())
            fail("embed_audio must return a Tensor[B, F, D], got " + std::string(v.tagKind()));
        const auto out = v.toTensor();
        if (out.scalar_type() != torch::kFloat32)
            fail(std::string("embed_audio returned dtype ") + c10::toString(out.scalar_type()) +
                 "; expected float32");
        if (out.dim() != 3 || out.size(0) != x.size(0) || out.size(1) < 1 ||
            out.size(2) != dimension)
            fail("embed_audio returned shape " + c10::str(out.sizes()) + " for input " +
                 c10::str(x.sizes()) + "; expected [" + std::to_string(x.size(0)) + ", F >= 1, " +
                 std::to_string(dimension) + "] (embedding_dim() = " + std::to_string(dimension) +
                 ")");
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
        } catch (...) {
            fail("embed_text failed: " + TorchLoadError::describeCurrent());
        }
        if (!v.isTensor())
            fail("embed_text must return a Tensor[N, D], got " + std::string(v.tagKind()));
        const auto out = v.toTensor();
        if (out.scalar_type() != torch::kFloat32)
            fail(std::string("embed_text returned dtype ") + c10::toString(out.scalar_type()) +
                 "; expected float32");
        if (out.dim() != 2 || out.size(0) != int64_t(texts.size()) || out.size(1) != dimension)
            fail("embed_text returned shape " + c10::str(out.sizes()) + " for " +
                 std::to_string(texts.size()) + " texts; expected [" +
                 std::to_string(texts.size()) + ", " + std::to_string(dimension) + "]");
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
                     "embed_audio(x: Tensor[B, T]) -> Tensor[B, F, D]; optional: embed_text, name, "
                     "version)");
        rate = int(intMethod("sample_rate", 4000, 384000));
        dimension = int(intMethod("embedding_dim", 1, 65536));
        name = optionalString("name", std::filesystem::path(path).stem().string());
        const std::string version = optionalString("version", "");

        // Probe: two different 1.5 s clips (a tone and a softer, higher tone with noise).
        torch::NoGradGuard noGrad;
        const auto t = torch::arange(int64_t(rate * 3 / 2), torch::kFloat32) / float(rate);
        auto gen = at::detail::createCPUGenerator(1234);
        const auto a = 0.5 * torch::sin(2 * M_PI * 440.0 * t);
        const auto b =
            0.2 * torch::sin(2 * M_PI * 1250.0 * t) + 0.05 * torch::randn(t.sizes(), gen);
        const auto batch = torch::stack({a, b}).to(torch::kFloat32);
        const auto both =
            embedAudio(batch, "a probe batch [2, " + std::to_string(batch.size(1)) + "]");
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
        checkReference();
        id = "ts:" + name + (version.empty() ? "" : "@" + version) + ":" +
             toHex(hashFileContent(path));
    }

    // The exporter may write NAME.pt.reference.json beside the plug-in (see
    // core/encoders/README.md): the CRC-32 of the file's bytes and embed_audio's output on the
    // reference probe. A mismatch means the file was damaged (or the model computes something
    // else in this libtorch): refused. Without the file the plug-in loads with a warning.
    // Read before libtorch parses the plug-in: a file whose bytes do not match the CRC is
    // refused without being parsed (libtorch's parsers crash or hang on some damaged files).
    bool hasReference = false;
    std::vector<float> expected;
    double tolerance = 1e-4;
    void readReference()
    {
        const std::string referencePath = TorchScriptEncoder::referencePath(path);
        std::ifstream in(referencePath, std::ios::binary);
        if (!in) {
            integrity = "not verified: no reference output beside the file (" +
                        std::filesystem::path(referencePath).filename().string() + ")";
            return;
        }
        std::uint32_t crc = 0;
        try {
            const auto j = StrictJson::parse(in);
            const JsonObject f(j, std::filesystem::path(referencePath).filename().string());
            if (f.requiredText("format") != "dragon-plugin-reference-1")
                fail("its reference file " + referencePath + " has an unknown format");
            crc = std::uint32_t(f.integer("file_crc32", std::int64_t(0), std::int64_t(0),
                                          std::int64_t(0xFFFFFFFF)));
            tolerance = f.number("tolerance", tolerance, 0.0, 1.0);
            for (const auto &row : f.array("embed_audio")) {
                if (!row.is_array())
                    fail("its reference file " + referencePath +
                         " is damaged (embed_audio is not a list of rows)");
                for (const auto &v : row) {
                    if (!v.is_number())
                        fail("its reference file " + referencePath + " holds a non-number");
                    expected.push_back(v.get<float>());
                }
            }
        } catch (const JsonFormatError &e) {
            fail("its reference file " + referencePath + " is damaged (" + e.what() + ")");
        }
        if (crc != 0 && fileCrc32(path) != crc)
            fail("the file is damaged: its bytes do not match the checksum in " +
                 std::filesystem::path(referencePath).filename().string() + "; export it again");
        hasReference = true;
    }

    // After validation: the reference probe's output must match the stored one.
    void checkReference()
    {
        if (!hasReference)
            return;
        torch::NoGradGuard noGrad;
        const auto out = embedAudio(referenceProbe(rate), "the reference probe").contiguous();
        if (std::size_t(out.numel()) != expected.size())
            fail("the file is damaged or changed: the reference probe gives " +
                 std::to_string(out.numel()) + " values, the reference file " +
                 std::to_string(expected.size()));
        const float *got = out.data_ptr<float>();
        double worst = 0, scale = 1;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            worst = std::max(worst, std::abs(double(got[i]) - double(expected[i])));
            scale = std::max(scale, std::abs(double(expected[i])));
        }
        if (worst > tolerance * scale) {
            std::ostringstream d;
            d << std::setprecision(3) << worst;
            fail("the file is damaged or changed: on the reference probe its output differs from "
                 "the "
                 "reference beside it by up to " +
                 d.str());
        }
    }
};

TorchScriptEncoder::TorchScriptEncoder(const std::string &path) : m_impl(std::make_unique<Impl>())
{
    m_impl->path = path;
    if (!std::filesystem::is_regular_file(path))
        m_impl->fail("encoder file does not exist");
    m_impl->readReference();
    try {
        m_impl->module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error &e) {
        const std::string why = firstLine(e.what_without_backtrace());
        if (why.find("version") != std::string::npos)
            m_impl->fail(
                "this TorchScript file comes from a newer PyTorch than this build supports (" +
                why +
                "). DRAGON Studio reads TorchScript from torch <= " TORCH_VERSION
                " (file format <= " +
                std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) +
                "): export it again with that torch version");
        m_impl->fail("not a loadable TorchScript file (" + why +
                     "). Encoders are saved with torch.jit.save("
                     "torch.jit.script(model)) from torch <= " TORCH_VERSION);
    } catch (...) {
        m_impl->fail("not a loadable TorchScript file (" + TorchLoadError::describeCurrent() + ")");
    }
    m_impl->module.eval();
    m_impl->validate();
}

TorchScriptEncoder::~TorchScriptEncoder() = default;

std::string TorchScriptEncoder::id() const
{
    return m_impl->id;
}
std::string TorchScriptEncoder::integrityWarning() const
{
    return m_impl->integrity;
}

std::string TorchScriptEncoder::referencePath(const std::string &pluginPath)
{
    return pluginPath + ".reference.json";
}

std::string TorchScriptEncoder::displayName() const
{
    return m_impl->name + " (TorchScript)";
}
int TorchScriptEncoder::sampleRate() const
{
    return m_impl->rate;
}
int TorchScriptEncoder::dimension() const
{
    return m_impl->dimension;
}
bool TorchScriptEncoder::hasTextTower() const
{
    return m_impl->text;
}

Embedding TorchScriptEncoder::embedMono(const std::vector<float> &mono)
{
    torch::NoGradGuard noGrad;
    const auto audio =
        torch::from_blob(const_cast<float *>(mono.data()), {int64_t(mono.size())}, torch::kFloat32);
    const int64_t window = kWindowSeconds * m_impl->rate;
    std::vector<torch::Tensor> frames;
    for (int64_t start = 0; start < audio.size(0); start += window) {
        const auto piece =
            audio.narrow(0, start, std::min(window, audio.size(0) - start)).unsqueeze(0);
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

#include "WavFixture.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fixtures {
namespace {

void put32(std::string &s, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put16(std::string &s, std::uint16_t v)
{
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>(v >> 8));
}

} // namespace

std::string wavBytes(int channels, std::uint32_t sampleRate, int bitsPerSample, int formatTag,
                     const std::string &data, std::uint32_t declaredDataBytes)
{
    std::string s = "RIFF";
    put32(s, 36 + declaredDataBytes);
    s += "WAVEfmt ";
    put32(s, 16);
    put16(s, static_cast<std::uint16_t>(formatTag));
    put16(s, static_cast<std::uint16_t>(channels));
    put32(s, sampleRate);
    const std::uint32_t blockAlign = static_cast<std::uint32_t>(channels * bitsPerSample / 8);
    put32(s, sampleRate * blockAlign);
    put16(s, static_cast<std::uint16_t>(blockAlign));
    put16(s, static_cast<std::uint16_t>(bitsPerSample));
    s += "data";
    put32(s, declaredDataBytes);
    return s + data;
}

std::string floatWavBytes(const std::vector<float> &samples, int channels, std::uint32_t rate)
{
    std::string data(samples.size() * sizeof(float), '\0');
    std::memcpy(data.data(), samples.data(), data.size());
    return wavBytes(channels, rate, 32, 3, data, static_cast<std::uint32_t>(data.size()));
}

void writeFile(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write fixture " + path);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace fixtures

// Writes the checked-in seeds of fuzz_checkpoint: a half-precision model file of a small pocket
// configuration (with its checksum record) and a run checkpoint (format 2) with a tiny state.
// usage: make_checkpoint_seeds DIR
#include "SmallPocketConfig.h"
#include "dragon/RunCheckpoint.h"
#include "model/HalfPrecisionCheckpoint.h"
#include "model/PocketModel.h"

#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::cerr << "usage: make_checkpoint_seeds DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    const dragon::PocketModelConfig c = smallPocketConfig();
    torch::manual_seed(1);
    dragon::PocketModel weights(c), half(c);
    dragon::HalfPrecisionCheckpoint::save(*weights, *half, "dragon-pocket-checkpoint-1", c.toJson(),
                                          dir + "/small-model.pt");
    torch::serialize::OutputArchive state;
    state.write("round", c10::IValue(int64_t(2)));
    state.write("baseline", c10::IValue(0.25));
    state.write("hasBaseline", c10::IValue(true));
    state.write("weight", torch::arange(8, torch::kFloat32));
    dragon::RunCheckpoint::write(dir + "/round-000002.pt", state, "{\"round\":1}\n{\"round\":2}\n");
    return 0;
}

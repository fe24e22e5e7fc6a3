// SPDX-License-Identifier: MIT
// The ONNX export: the graph holds exactly the network's layers (counted from its module tree),
// its weights byte for byte, symbolic N/H/W, the contract; Debian's python3-onnx checker accepts
// it with full checking and rejects a broken copy. Numbers against ONNX Runtime:
// onnx_runtime_test.sh.
#include "n2n_raw/deploy/onnx.hpp"
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/model/unet.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <map>

using namespace n2n;

namespace {

std::map<std::string, int> op_counts(const onnx::GraphProto& g) {
    std::map<std::string, int> counts;
    for (const auto& node : g.node()) ++counts[node.op_type()];
    return counts;
}

// Layers of each kind in the network's own module tree.
std::map<std::string, int> module_counts(model::Denoiser& net) {
    std::map<std::string, int> counts;
    for (const auto& m : net.modules(/*include_self=*/false)) {
        if (m->as<torch::nn::Conv2d>()) ++counts["Conv"];
        if (m->as<torch::nn::ConvTranspose2d>()) ++counts["ConvTranspose"];
        if (m->as<torch::nn::LeakyReLU>()) ++counts["LeakyRelu"];
        if (m->as<torch::nn::MaxPool2d>()) ++counts["MaxPool"];
    }
    return counts;
}

std::string metadata(const onnx::ModelProto& m, const std::string& key) {
    for (const auto& p : m.metadata_props())
        if (p.key() == key) return p.value();
    return {};
}

// "N" / "4" / "H" / "W" for a graph input or output.
std::vector<std::string> dims(const onnx::ValueInfoProto& v) {
    std::vector<std::string> out;
    for (const auto& d : v.type().tensor_type().shape().dim())
        out.push_back(d.has_dim_param() ? d.dim_param() : std::to_string(d.dim_value()));
    return out;
}

int python_full_check(const std::filesystem::path& file) {
    return test::run(fmt::format("{} -c 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), "
                                 "full_check=True); print(\"onnx.checker full_check: ok\", sys.argv[1])' {}",
                                 test::python(), file.string()));
}

struct Case {
    const char* name;
    model::NetConfig config;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all{
        {"plain", {"unet", 4, 4, 6, false, "raw"}},
        {"residual", {"unet", 4, 4, 6, true, "raw"}},
        {"gat", {"unet", 8, 4, 6, true, "gat"}},
    };
    return all;
}

}  // namespace

TEST_CASE("ONNX export: the network's own layers and weights, symbolic sizes, the contract") {
    for (const auto& c : cases()) {
        CAPTURE(c.name);
        torch::manual_seed(7);
        auto net = model::make_denoiser(c.config);
        onnx::ModelProto m;
        REQUIRE(m.ParseFromString(deploy::to_onnx(*net, c.config)));

        CHECK(m.ir_version() == onnx::IR_VERSION);
        REQUIRE(m.opset_import_size() == 1);
        CHECK(m.opset_import(0).domain().empty());
        CHECK(m.opset_import(0).version() == deploy::kOnnxOpset);

        const auto& g = m.graph();
        REQUIRE(g.input_size() == 1);
        REQUIRE(g.output_size() == 1);
        CHECK(g.input(0).name() == "input");
        CHECK(g.output(0).name() == "output");
        CHECK(dims(g.input(0)) == std::vector<std::string>{"N", std::to_string(c.config.in_channels), "H", "W"});
        CHECK(dims(g.output(0)) == std::vector<std::string>{"N", "4", "H", "W"});

        auto expected = module_counts(*net);
        expected["Concat"] = model::UNet::kLevels;  // one skip join per decoder level
        if (c.config.residual) expected["Slice"] = expected["Add"] = 1;
        CHECK(op_counts(g) == expected);

        // Every parameter is an initializer of the same name, shape and bytes.
        std::map<std::string, const onnx::TensorProto*> init;
        for (const auto& t : g.initializer()) init[t.name()] = &t;
        const auto params = net->named_parameters(true);
        CHECK(init.size() == params.size() + (c.config.residual ? 3U : 0U));  // + the Slice bounds
        for (const auto& p : params) {
            CAPTURE(p.key());
            REQUIRE(init.count(p.key()) == 1);
            const auto& t = *init.at(p.key());
            CHECK(std::vector<std::int64_t>(t.dims().begin(), t.dims().end()) == p.value().sizes().vec());
            const auto data = p.value().detach().contiguous();
            REQUIRE(t.raw_data().size() == static_cast<std::size_t>(data.numel()) * sizeof(float));
            CHECK(std::memcmp(t.raw_data().data(), data.data_ptr<float>(), t.raw_data().size()) == 0);
        }
        // The last layer writes "output"; nothing else does.
        CHECK(g.node(g.node_size() - 1).output(0) == "output");
        CHECK(g.node(g.node_size() - 1).op_type() == (c.config.residual ? "Add" : "Conv"));

        const auto contract = deploy::input_contract(net->geometry(), c.config.input);
        CHECK(m.doc_string() == contract);
        CHECK(metadata(m, "input_contract") == contract);
        CHECK(metadata(m, "n2n_multiple") == "32");
        CHECK(metadata(m, "n2n_receptive_radius") == std::to_string(net->geometry().receptive_radius));
        CHECK(metadata(m, "opset") == std::to_string(deploy::kOnnxOpset));
        CHECK(model::NetConfig::from_json(metadata(m, "n2n_net")) == c.config);
        CHECK(contract.find(c.config.noise_conditioned() ? "N x 8 x H x W" : "N x 4 x H x W") != std::string::npos);
    }
}

TEST_CASE("python3-onnx's checker accepts the exports with full checking, and rejects a broken graph") {
    REQUIRE_MESSAGE(!test::python().empty(), "needs /usr/bin/python3 with python3-onnx");
    REQUIRE_MESSAGE(test::run(test::python() + " -c 'import onnx'") == 0, "apt-get install python3-onnx");
    test::TempDir dir;
    for (const auto& c : cases()) {
        CAPTURE(c.name);
        auto net = model::make_denoiser(c.config);
        const auto path = dir / fmt::format("{}.onnx", c.name);
        deploy::export_onnx(*net, c.config, path);
        CHECK(python_full_check(path) == 0);
    }
    // A Conv whose weight is gone: the checker must say so (the check above can fail).
    onnx::ModelProto m;
    REQUIRE(m.ParseFromString(deploy::to_onnx(*model::make_denoiser(cases()[0].config), cases()[0].config)));
    m.mutable_graph()->mutable_initializer()->DeleteSubrange(0, 1);
    const auto broken = dir / "broken.onnx";
    std::ofstream(broken, std::ios::binary) << m.SerializeAsString();
    CHECK(python_full_check(broken) != 0);
}

namespace {

// A network without a layer walk: TorchScript can trace it, ONNX export must refuse it by name.
class NoWalk : public model::Denoiser {
public:
    NoWalk() { conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(4, 4, 1))); }
    torch::Tensor forward(const torch::Tensor& x) override { return conv_->forward(x); }
    model::Geometry geometry() const override { return {1, 0}; }

private:
    torch::nn::Conv2d conv_{nullptr};
};

}  // namespace

TEST_CASE("ONNX export refuses what it cannot write, and writes atomically") {
    NoWalk net;
    CHECK_THROWS_AS(deploy::to_onnx(net, {}), ConfigError);

    test::TempDir dir;
    const auto path = dir / "model.onnx";
    { std::ofstream(path) << "old"; }
    CHECK_THROWS_AS(deploy::export_onnx(net, {}, path), ConfigError);
    std::ifstream in(path);
    const std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(kept == "old");  // a refused export leaves the old file
    CHECK_THROWS_AS(deploy::export_onnx(*model::make_denoiser({}), {}, dir / "missing" / "m.onnx"), IoError);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
}

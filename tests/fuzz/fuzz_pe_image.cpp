// libFuzzer target for os::read_pe_image: any bytes must give a PeError or an ImageDescription
// that keeps the reader's promises, without crashing, hanging or reading out of bounds (the
// build adds AddressSanitizer and UBSan). Seed corpus: tests/fixtures/pe/*.exe, *.dll.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "os/PeImage.h"

namespace {

// A broken promise is a finding: abort so libFuzzer saves the input.
void require(bool ok) {
    if (!ok) std::abort();
}

void check(const pagelab::os::ImageDescription& d, size_t file_size) {
    require(d.image_base % 0x10000 == 0);
    // A flat image (SectionAlignment = FileAlignment below a page) is aligned to that, not to a page.
    const uint32_t unit = d.flat ? 0x200 : 0x1000;
    require(d.size_of_image % unit == 0);
    require(d.headers.size() == d.size_of_headers && d.size_of_headers <= file_size);
    require(d.entry_rva < d.size_of_image);
    uint64_t previous_end = d.size_of_headers;
    for (const auto& s : d.sections) {
        require(s.rva % unit == 0 && s.rva >= previous_end);
        require(s.raw.size() <= s.virtual_size);
        require(s.raw.empty() || uint64_t(s.file_offset) + s.raw.size() <= file_size);
        previous_end = uint64_t(s.rva) + s.virtual_size;
        require(previous_end <= d.size_of_image);
    }
    for (size_t i = 0; i < d.relocation_rvas.size(); ++i) {
        require(uint64_t(d.relocation_rvas[i]) + 4 <= d.size_of_image);
        require(i == 0 || d.relocation_rvas[i - 1] <= d.relocation_rvas[i]);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    const auto result = pagelab::os::read_pe_image(bytes, "fuzz.exe");
    if (const auto* d = std::get_if<pagelab::os::ImageDescription>(&result)) {
        check(*d, size);
    } else {
        const auto& e = std::get<pagelab::os::PeError>(result);
        require(!e.field.empty() && !e.reason.empty());
    }
    return 0;
}

// The image loader: CreateProcess with an image, LoadLibrary and FreeLibrary, as NT's
// CreateProcess / LdrLoadDll do them, each sub-step an event (DESIGN.md §2 "Processes and the
// loader"). Works from os::ImageDescription only (synthetic or read from a PE32 file).
#pragma once

#include <cstdint>
#include <string>

#include "os/Machine.h"

namespace pagelab::os {

// IMAGE_SCN_* characteristics -> Win32 page protection (WINDOWS.md "Images"): none NOACCESS,
// R READONLY, W/RW WRITECOPY, X EXECUTE, RX EXECUTE_READ, WX/RWX EXECUTE_WRITECOPY; SHARED turns
// the write-copy ones into READWRITE / EXECUTE_READWRITE.
uint32_t section_protection(uint32_t characteristics);
// The pages of an image as its section object describes them (headers READONLY).
std::vector<mm::ImagePage> image_pages(const ImageDescription& image);

struct LoadOutcome {
    mm::Result result;
    uint32_t faults = 0;  // 1 << mm::FaultKind for each fault kind the operation caused
    // Why it failed, when a sentence says more than the error: for ERROR_BAD_EXE_FORMAT (win95:
    // ERROR_GEN_FAILURE) the file and the PE header field at fault, as the PE reader names it.
    std::string note;
};

// Why the file on the emulated disk is not a loadable image: the PE reader's message naming the
// header field at fault ("IMAGE_DOS_HEADER.e_lfanew: ..."), or empty when it parses.
std::string image_problem(const mm::MemoryManager& mm, uint32_t file);

// CreateProcess(exe_path): a process named `name`. On failure the process stays listed as
// failed, with everything it built taken down, and the result carries the Win32 error.
// suspended (CREATE_SUSPENDED, or a debugger loader such as SoftICE's wldr): everything is built
// but the thread does not start, so the entry page is not fetched; a later instruction fetch at
// the entry point (an `execute` step: ResumeThread, or the debugger's single step) runs it.
LoadOutcome create_process(Machine& m, const std::string& name, const std::string& exe_path, bool suspended = false);
// LoadLibrary(name) in a running process: the module's base (a DLL already loaded gains a
// reference). A failure unwinds the modules this call loaded.
LoadOutcome load_library(Machine& m, uint16_t process, const std::string& name);
// LoadLibraryEx's flags (winbase.h).
namespace load {
inline constexpr uint32_t kDontResolveDllReferences = 0x1, kAsDataFile = 0x2;
}
// LoadLibraryEx(name, flags): 0 is LoadLibrary; DONT_RESOLVE_DLL_REFERENCES maps the DLL as an
// image (relocated if need be) without loading its imports or calling DllMain; AS_DATAFILE maps
// the file as a read-only data view and returns its base + 1 (or a module already loaded as an
// image). Any other flag: ERROR_INVALID_PARAMETER.
LoadOutcome load_library_ex(Machine& m, uint16_t process, const std::string& name, uint32_t flags);
// CreateFileMapping(file, SEC_IMAGE): the file must be a valid image (else ERROR_BAD_EXE_FORMAT,
// win95 ERROR_GEN_FAILURE, with the PE field at fault in the note); its image section is made
// (or found) and a mapping object refers to it. Views of it map the image, not relocated.
LoadOutcome create_image_mapping(Machine& m, uint16_t space, uint32_t file_handle, const std::string& name);
// FreeLibrary(base): drops a reference; at zero the DLL is unmapped and its imports freed. An
// odd handle is a data-file module (LOAD_LIBRARY_AS_DATAFILE): its view is unmapped.
mm::Result free_library(Machine& m, uint16_t process, uint32_t base);

}  // namespace pagelab::os

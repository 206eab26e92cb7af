#include "os/Loader.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <variant>

#include "i18n/I18n.h"
#include "os/PeImage.h"

namespace pagelab::os {

using mm::EventKind;

namespace {

std::string upper(std::string s) {
    for (char& c : s) c = char(std::toupper(uint8_t(c)));
    return s;
}
std::string base_name(const std::string& path) {
    const size_t cut = path.find_last_of("\\/");
    return cut == std::string::npos ? path : path.substr(cut + 1);
}
std::string dir_name(const std::string& path) {
    const size_t cut = path.find_last_of("\\/");
    return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

std::string bad_image_event(mm::MemoryManager& mm, uint16_t space, uint32_t file);
std::string cached_image_problem(mm::MemoryManager& mm, uint16_t space, uint32_t file);

struct Loader {
    Machine& m;
    uint16_t process;
    uint16_t space;
    std::string app_dir;
    uint32_t faults = 0;
    std::string note;

    mm::MemoryManager& mmgr() { return m.mm(); }
    uint32_t str(const std::string& s) { return mmgr().intern(s); }

    // LoadLibrary's file. A name with a path names that file (none: ERROR_MOD_NOT_FOUND). A bare
    // name goes through the DLL search order: the application's directory, the system directory
    // (C:\WINDOWS\SYSTEM32; win95 C:\WINDOWS\SYSTEM), the Windows directory, then any other
    // directory of the disk in the order the scenario declared its files (standing in for the
    // current directory and PATH).
    std::optional<uint32_t> find_dll(const std::string& name) {
        const auto& files = mmgr().files();
        if (name.find_first_of("\\/") != std::string::npos) {
            for (uint32_t i = 0; i < files.size(); ++i)
                if (upper(files[i].path) == upper(name)) return i;
            return std::nullopt;
        }
        const bool w95 = mmgr().config().personality == mm::Personality::Win95;
        const std::string order[] = {upper(app_dir), w95 ? "C:\\WINDOWS\\SYSTEM" : "C:\\WINDOWS\\SYSTEM32", "C:\\WINDOWS"};
        for (const std::string& dir : order)
            for (uint32_t i = 0; i < files.size(); ++i)
                if (upper(base_name(files[i].path)) == upper(name) && upper(dir_name(files[i].path)) == dir) return i;
        for (uint32_t i = 0; i < files.size(); ++i)
            if (upper(base_name(files[i].path)) == upper(name)) return i;
        return std::nullopt;
    }

    // The loaded module LoadLibrary(name) refers to. A bare name matches a loaded module of that
    // base name wherever it was loaded from. A path matches the module loaded from that file; a
    // module of the same base name loaded from another file is the same module under win95 (its
    // loader knows modules by name) and another one under NT, which compares full paths when it
    // is given one (LdrpCheckForLoadedDll): that one is then known by its full path.
    Module* loaded_module(std::vector<Module>& list, const std::string& name) {
        if (name.find_first_of("\\/") == std::string::npos) return find_module(list, name);
        if (Module* by_path = find_module(list, name)) return by_path;
        Module* same = find_module(list, base_name(name));
        if (!same || mmgr().config().personality == mm::Personality::Win95) return same;
        return upper(same->path) == upper(name) ? same : nullptr;
    }

    Module* find_module(std::vector<Module>& list, const std::string& name) {
        for (Module& mod : list)
            if (mod.name == upper(name)) return &mod;
        return nullptr;
    }

    // Maps the image at its preferred base, or elsewhere with relocations applied.
    mm::Result map(const ImageDescription& img, uint32_t file, const std::string& name, bool is_exe, Module& out) {
        if (!mmgr().find_image_section(file)) {
            note = cached_image_problem(mmgr(), space, file);
            if (!note.empty()) return mm::Result::failure(bad_format());
        }
        const uint32_t section = mmgr().ensure_image_section(file, image_pages(img));
        const uint32_t pages = uint32_t(mmgr().sections()[section].pages_count());
        // win95: a DLL based in the shared arena is a system DLL, mapped once for every process.
        // An EXE is never placed there (its base must lie in the private arena).
        const bool shared = mmgr().in_shared_arena(space, img.image_base);
        if (shared && is_exe) return mm::Result::failure(mm::Error::InvalidAddress);
        if (shared) {
            if (const auto there = mmgr().shared_image_base(section)) {
                // Another process mapped it already (relocated, perhaps): this one only becomes a
                // user of that view. Its fixups are in the shared pages already.
                const mm::Result j = mmgr().map_image(space, section, *there);
                if (!j.ok) return j;
                out = Module{upper(name), img.path, j.value, pages << 12, section, 1, j.value != img.image_base, is_exe, {}};
                return j;
            }
        }
        mm::Result r = mmgr().map_image(space, section, img.image_base);
        bool relocated = false;
        if (!r.ok && r.error == mm::Error::InvalidAddress && !is_exe) {
            const auto& sp = mmgr().space(space);
            // The next free place above the preferred base, else the lowest one (within the
            // shared arena for a system DLL).
            std::optional<uint32_t> gap;
            if (shared) {
                gap = mmgr().find_shared_gap(pages, img.image_base);
            } else {
                gap = sp.find_gap(pages, img.image_base, sp.layout().user_end, false);
                if (!gap) gap = sp.find_gap(pages, sp.layout().alloc_lowest, sp.layout().user_end, false);
            }
            // An EXE mapped as a library is not fixed up (the loader relocates DLLs only), so it
            // loads elsewhere with or without relocations; a DLL without relocations cannot.
            const uint32_t how = !img.is_dll ? 2 : img.relocs_stripped ? 0 : 1;
            mmgr().event(EventKind::LoaderNotAtBase, space, str(upper(name)), img.image_base, gap.value_or(0), how);
            if (how == 0 || !gap) return mm::Result::failure(mm::Error::InvalidAddress);
            r = mmgr().map_image(space, section, *gap);
            relocated = r.ok && img.is_dll;
            if (r.ok && !img.is_dll) {
                out = Module{upper(name), img.path, r.value, pages << 12, section, 1, true, is_exe, {}};
                return r;
            }
        }
        if (!r.ok) return r;
        out = Module{upper(name), img.path, r.value, pages << 12, section, 1, relocated, is_exe, {}};
        if (relocated) {
            // Every page with fixups is touched and so becomes a private, pagefile-backed copy.
            const uint32_t delta = r.value - img.image_base;
            std::map<uint32_t, std::vector<uint32_t>> by_page;
            for (uint32_t rva : img.relocation_rvas) by_page[rva & ~0xFFFu].push_back(rva & 0xFFF);
            for (const auto& [page, offsets] : by_page) {
                const mm::AccessResult a = mmgr().relocate_image_page(space, r.value + page, offsets, delta);
                faults |= a.faults;
                if (!a.ok()) {
                    mmgr().unmap_image(space, r.value);
                    return mm::Result::failure(mm::Error::NotEnoughMemory);
                }
            }
        }
        return r;
    }

    // LoadLibrary of one DLL and, recursively, its imports (not with DONT_RESOLVE_DLL_REFERENCES:
    // resolve false maps the DLL and stops there).
    mm::Result load_dll(const std::string& name, const std::string& importer, int depth, bool resolve = true) {
        std::vector<Module> list = m.modules(process);
        if (Module* mod = loaded_module(list, name)) {
            ++mod->refcount;
            mmgr().event(EventKind::LoaderDll, space, str(upper(name)), str(importer), 1, mod->refcount);
            const uint32_t base = mod->base;
            m.set_modules(process, std::move(list));
            return mm::Result::success(base);
        }
        if (depth > 16) return mm::Result::failure(mm::Error::ModNotFound);
        const auto file = find_dll(name);
        mmgr().event(EventKind::LoaderFindFile, space, str(upper(name)), file ? 1 : 0);
        if (!file) return mm::Result::failure(mm::Error::ModNotFound);
        const ImageDescription* img = m.image_of(*file);
        if (!img) return mm::Result::failure(bad_image(*file));
        mmgr().event(EventKind::LoaderDll, space, str(upper(name)), str(importer), 0, 1);
        Module mod;
        // Known by its base name, unless a module of that name (from another file) is loaded.
        const bool has_path = name.find_first_of("\\/") != std::string::npos;
        const std::string known_as = has_path && !find_module(list, base_name(name)) ? base_name(name) : name;
        const mm::Result r = map(*img, *file, known_as, false, mod);
        if (!r.ok) return r;
        list = m.modules(process);
        list.push_back(mod);
        m.set_modules(process, list);
        if (!resolve) {
            mmgr().event(EventKind::LoaderNoImports, space, str(upper(known_as)), uint32_t(img->imports.size()));
            return mm::Result::success(r.value);
        }
        if (auto e = load_imports(*img, upper(known_as), depth); e != mm::Error::Success) return mm::Result::failure(e);
        return mm::Result::success(r.value);
    }

    mm::Error load_imports(const ImageDescription& img, const std::string& who, int depth) {
        mmgr().event(EventKind::LoaderImports, space, str(who), uint32_t(img.imports.size()));
        for (const std::string& dll : img.imports) {
            const mm::Result r = load_dll(dll, who, depth + 1);
            if (!r.ok) return r.error;
            std::vector<Module> list = m.modules(process);
            if (Module* me = find_module(list, who)) {
                me->imports.push_back(upper(dll));
                m.set_modules(process, std::move(list));
            }
        }
        return mm::Error::Success;
    }

    mm::Error bad_format() {
        return mmgr().config().personality == mm::Personality::Win95 ? mm::Error::GenFailure : mm::Error::BadExeFormat;
    }
    // A file that is not a valid image: the event names the field at fault; nothing was built.
    mm::Error bad_image(uint32_t file) {
        note = bad_image_event(mmgr(), space, file);
        return bad_format();
    }

    // Drops one reference; at zero unmaps the module and drops the references it holds.
    void release(const std::string& name) {
        std::vector<Module> list = m.modules(process);
        Module* mod = find_module(list, name);
        if (!mod) return;
        --mod->refcount;
        const Module copy = *mod;
        mmgr().event(EventKind::LoaderUnload, space, str(copy.name), copy.base, copy.refcount);
        if (copy.refcount == 0) {
            list.erase(list.begin() + (mod - list.data()));
            m.set_modules(process, list);
            mmgr().unmap_image(space, copy.base);
            for (const std::string& dep : copy.imports) release(dep);
        } else {
            m.set_modules(process, list);
        }
    }

    // Takes back what a failed LoadLibrary built: modules not in `before` are unmapped and
    // the reference counts return to what they were.
    void unwind_to(const std::vector<Module>& before) {
        for (const Module& mod : m.modules(process)) {
            const bool old = std::any_of(before.begin(), before.end(), [&](const Module& b) { return b.name == mod.name; });
            if (!old) mmgr().unmap_image(space, mod.base);
        }
        m.set_modules(process, before);
    }
};

std::string bad_image_event(mm::MemoryManager& mm, uint16_t space, uint32_t file) {
    std::string problem = image_problem(mm, file);
    if (problem.empty()) problem = i18n::tr("it is not registered as an image");
    const std::string& path = mm.files()[file].path;
    mm.event(EventKind::LoaderBadImage, space, mm.intern(path), mm.intern(problem));
    return i18n::trf("{file} is not a valid PE32 image: {problem}", fmt::arg("file", path), fmt::arg("problem", problem));
}

// Rule 8 of issue 16: a new image section reads the file through the cached pages its data
// views use. When a data view changed a header and did not flush, the image is parsed as the
// cache has it, and a header that no longer parses fails the section (ERROR_BAD_EXE_FORMAT; a
// broken "MZ" is NtCreateSection's STATUS_INVALID_IMAGE_NOT_MZ). Returns the note, or empty.
std::string cached_image_problem(mm::MemoryManager& mm, uint16_t space, uint32_t file) {
    const mm::DiskFile& f = mm.files()[file];
    const std::vector<uint8_t> cached = mm.file_through_cache(file);
    if (cached == f.bytes) return {};
    const PeReadResult r = read_pe_image(cached, f.path);
    const PeError* e = std::get_if<PeError>(&r);
    if (!e) return {};
    const std::string problem =
        i18n::trf("{problem} (as the file's cached pages read it: a data view changed them and did not flush)",
                  fmt::arg("problem", e->message()));
    mm.event(EventKind::LoaderBadImage, space, mm.intern(f.path), mm.intern(problem));
    return i18n::trf("{file} is not a valid PE32 image: {problem}", fmt::arg("file", f.path), fmt::arg("problem", problem));
}

}  // namespace

std::string image_problem(const mm::MemoryManager& mm, uint32_t file) {
    const mm::DiskFile& f = mm.files()[file];
    const PeReadResult r = read_pe_image(f.bytes, f.path);
    if (const PeError* e = std::get_if<PeError>(&r)) return e->message();
    return {};
}

uint32_t section_protection(uint32_t ch) {
    const bool r = ch & scn::kRead, w = ch & scn::kWrite, x = ch & scn::kExecute, shared = ch & scn::kShared;
    namespace page = mm::page;
    if (x) {
        if (w) return shared ? page::kExecuteReadWrite : page::kExecuteWriteCopy;
        return r ? page::kExecuteRead : page::kExecute;
    }
    if (w) return shared ? page::kReadWrite : page::kWriteCopy;
    return r ? page::kReadOnly : page::kNoAccess;
}

std::vector<mm::ImagePage> image_pages(const ImageDescription& img) {
    uint32_t size = img.size_of_image;
    for (const ImageSection& s : img.sections) size = std::max<uint32_t>(size, s.rva + s.virtual_size);
    size = (size + 0xFFF) & ~0xFFFu;
    if (size == 0) size = 0x1000;
    std::vector<mm::ImagePage> pages(size >> 12);
    for (uint32_t i = 0; i < pages.size(); ++i) {
        pages[i].rva = i << 12;
        pages[i].mm_protection = *mm::to_mm_protection(mm::page::kNoAccess);
    }
    if (img.flat) {
        // A flat image is its file's bytes page for page, every page EXECUTE_WRITECOPY, the
        // headers too (NT up to XP; issue 16 rule 12).
        const uint32_t bytes = std::min<uint32_t>(img.file_size, size);
        for (uint32_t i = 0; i < pages.size(); ++i) {
            pages[i].mm_protection = *mm::to_mm_protection(mm::page::kExecuteWriteCopy);
            pages[i].file_offset = i << 12;
            pages[i].file_bytes = (i << 12) < bytes ? std::min<uint32_t>(0x1000, bytes - (i << 12)) : 0;
        }
        return pages;
    }
    // The headers page: READONLY, read from the start of the file.
    pages[0].mm_protection = *mm::to_mm_protection(mm::page::kReadOnly);
    pages[0].file_offset = 0;
    pages[0].file_bytes = std::min<uint32_t>(0x1000, std::max<uint32_t>(img.size_of_headers, uint32_t(img.headers.size())));
    for (const ImageSection& s : img.sections) {
        const uint32_t prot = *mm::to_mm_protection(section_protection(s.characteristics));
        const bool shared = (s.characteristics & scn::kShared) && (s.characteristics & scn::kWrite);
        const uint32_t raw = (s.characteristics & scn::kUninitializedData) ? 0 : uint32_t(s.raw.size());
        for (uint32_t off = 0; off < s.virtual_size; off += 0x1000) {
            mm::ImagePage& p = pages[(s.rva + off) >> 12];
            p.mm_protection = prot;
            p.shared = shared;
            p.file_offset = s.file_offset + off;
            p.file_bytes = off < raw ? std::min<uint32_t>(0x1000, raw - off) : 0;
        }
    }
    return pages;
}

LoadOutcome create_process(Machine& m, const std::string& name, const std::string& exe_path, bool suspended) {
    mm::MemoryManager& mmgr = m.mm();
    const auto file = mmgr.find_file(exe_path);
    mmgr.event(EventKind::LoaderFindFile, mm::kNoSpace, mmgr.intern(exe_path), file ? 1 : 0);
    auto fail_early = [&](mm::Error e) {
        mmgr.event(EventKind::LoaderFailed, mm::kNoSpace, uint32_t(e), mmgr.intern(exe_path));
        m.add_failed_process(name);
        return LoadOutcome{mm::Result::failure(e), 0};
    };
    if (!file) return fail_early(mm::Error::FileNotFound);
    const ImageDescription* img = m.image_of(*file);
    if (!img) {
        const std::string note = bad_image_event(mmgr, mm::kNoSpace, *file);
        LoadOutcome o = fail_early(mmgr.config().personality == mm::Personality::Win95 ? mm::Error::GenFailure : mm::Error::BadExeFormat);
        o.note = note;
        return o;
    }
    mmgr.event(EventKind::LoaderProcessObject, mm::kNoSpace, mmgr.intern(name));
    const mm::Result created = m.create_process(name);
    if (!created.ok) return LoadOutcome{created, 0};
    const uint16_t id = uint16_t(created.value);
    Loader ld{m, id, m.processes()[id].space, dir_name(exe_path)};
    const std::string exe_name = upper(base_name(exe_path));
    auto unwind = [&](mm::Error e) {
        mmgr.event(EventKind::LoaderFailed, ld.space, uint32_t(e), mmgr.intern(exe_name));
        mmgr.delete_space(ld.space);
        m.set_modules(id, {});
        m.set_process_state(id, ProcessState::Failed);
        return LoadOutcome{mm::Result::failure(e), ld.faults, ld.note};
    };
    Module exe;
    const mm::Result mapped = ld.map(*img, *file, exe_name, true, exe);
    if (!mapped.ok) return unwind(mapped.error);
    m.set_modules(id, {exe});
    if (auto e = ld.load_imports(*img, exe_name, 0); e != mm::Error::Success) return unwind(e);
    // The thread's stack: 1 MB reserved, the top page committed with a guard page below it.
    const mm::Result stack = mmgr.virtual_alloc(ld.space, 0, 0x100000, mm::mem::kReserve, mm::page::kReadWrite);
    if (!stack.ok) return unwind(stack.error);
    mmgr.event(EventKind::LoaderStack, ld.space, stack.value, 0x100000);
    for (const auto& [off, prot] : {std::pair{0xFF000u, mm::page::kReadWrite}, {0xFE000u, mm::page::kReadWrite | mm::page::kGuard}}) {
        const mm::Result c = mmgr.virtual_alloc(ld.space, stack.value + off, 0x1000, mm::mem::kCommit, prot);
        if (!c.ok) return unwind(c.error);
    }
    const uint32_t entry = exe.base + img->entry_rva;
    mmgr.event(EventKind::LoaderStart, ld.space, entry, suspended ? 1 : 0);
    if (suspended) return LoadOutcome{mm::Result::success(id), ld.faults, {}};
    const mm::AccessResult a = mmgr.access(ld.space, entry, 1, x86::Access::Execute);
    ld.faults |= a.faults;
    return LoadOutcome{mm::Result::success(id), ld.faults, {}};
}

LoadOutcome load_library(Machine& m, uint16_t process, const std::string& name) {
    const Process& p = m.processes()[process];
    std::string app_dir;
    for (const Module& mod : m.modules(process))
        if (mod.is_exe) app_dir = dir_name(mod.path);
    Loader ld{m, process, p.space, app_dir};
    const std::vector<Module> before = m.modules(process);
    const mm::Result r = ld.load_dll(name, "the program", 0);
    if (!r.ok) {
        m.mm().event(EventKind::LoaderFailed, p.space, uint32_t(r.error), m.mm().intern(upper(name)));
        ld.unwind_to(before);
    }
    return LoadOutcome{r, ld.faults, r.ok ? std::string() : ld.note};
}

namespace {

// LoadLibraryEx(LOAD_LIBRARY_AS_DATAFILE), as kernel32 does it from NT4 to XP: a module loaded as
// an image already is returned (one more reference); otherwise the file is opened for reading,
// mapped as a READONLY data section and viewed FILE_MAP_READ, both handles closed, and the view's
// base + 1 returned. The module list does not get it; a file that is no PE image is unmapped
// again and fails with ERROR_BAD_EXE_FORMAT.
LoadOutcome load_as_datafile(Machine& m, Loader& ld, const std::string& name) {
    mm::MemoryManager& mmgr = m.mm();
    std::vector<Module> list = m.modules(ld.process);
    if (Module* mod = ld.loaded_module(list, name)) {
        ++mod->refcount;
        mmgr.event(EventKind::LoaderDataFile, ld.space, mmgr.intern(upper(name)), mod->base, 1, mod->refcount);
        const uint32_t base = mod->base;
        m.set_modules(ld.process, std::move(list));
        return LoadOutcome{mm::Result::success(base), 0, {}};
    }
    const auto file = ld.find_dll(name);
    mmgr.event(EventKind::LoaderFindFile, ld.space, mmgr.intern(upper(name)), file ? 1 : 0);
    if (!file) return LoadOutcome{mm::Result::failure(mm::Error::ModNotFound), 0, {}};
    const mm::Result h = mmgr.create_file(ld.space, mmgr.files()[*file].path, mm::generic::kRead, mm::Disposition::Open);
    if (!h.ok) return LoadOutcome{h, 0, {}};
    const mm::Result mapping = mmgr.create_file_mapping(ld.space, h.value, mm::page::kReadOnly, 0, 0, {});
    mmgr.close_handle(ld.space, h.value);
    if (!mapping.ok) return LoadOutcome{mapping, 0, {}};
    const mm::Result view = mmgr.map_view(ld.space, mapping.value, mm::filemap::kRead, 0, 0, 0);
    mmgr.close_handle(ld.space, mapping.value);
    if (!view.ok) return LoadOutcome{view, 0, {}};
    if (!m.image_of(*file)) {
        LoadOutcome o{mm::Result::failure(ld.bad_image(*file)), 0, ld.note};
        mmgr.unmap_view(ld.space, view.value);
        return o;
    }
    mmgr.event(EventKind::LoaderDataFile, ld.space, mmgr.intern(upper(name)), view.value, 0, 0);
    return LoadOutcome{mm::Result::success(view.value | 1), 0, {}};
}

}  // namespace

LoadOutcome load_library_ex(Machine& m, uint16_t process, const std::string& name, uint32_t flags) {
    if (flags & ~(load::kDontResolveDllReferences | load::kAsDataFile))
        return LoadOutcome{mm::Result::failure(mm::Error::InvalidParameter), 0, {}};
    if (!(flags & (load::kDontResolveDllReferences | load::kAsDataFile))) return load_library(m, process, name);
    const Process& p = m.processes()[process];
    std::string app_dir;
    for (const Module& mod : m.modules(process))
        if (mod.is_exe) app_dir = dir_name(mod.path);
    Loader ld{m, process, p.space, app_dir};
    // AS_DATAFILE wins over DONT_RESOLVE_DLL_REFERENCES (kernel32 tests it first).
    if (flags & load::kAsDataFile) return load_as_datafile(m, ld, name);
    const std::vector<Module> before = m.modules(process);
    const mm::Result r = ld.load_dll(name, "the program", 0, false);
    if (!r.ok) {
        m.mm().event(EventKind::LoaderFailed, p.space, uint32_t(r.error), m.mm().intern(upper(name)));
        ld.unwind_to(before);
    }
    return LoadOutcome{r, ld.faults, r.ok ? std::string() : ld.note};
}

mm::Result free_library(Machine& m, uint16_t process, uint32_t base) {
    const Process& p = m.processes()[process];
    // A data-file module (LOAD_LIBRARY_AS_DATAFILE's odd handle): kernel32 unmaps the view.
    if (base & 1) return m.mm().unmap_view(p.space, base & ~1u);
    for (const Module& mod : m.modules(process)) {
        if (mod.base != base) continue;
        if (mod.is_exe) return mm::Result::failure(mm::Error::InvalidHandle);
        Loader ld{m, process, p.space, {}};
        ld.release(mod.name);
        return mm::Result::success();
    }
    return mm::Result::failure(mm::Error::ModNotFound);
}

LoadOutcome create_image_mapping(Machine& m, uint16_t space, uint32_t file_handle, const std::string& name) {
    mm::MemoryManager& mmgr = m.mm();
    LoadOutcome o;
    // An existing name: the same object back, with ERROR_ALREADY_EXISTS (as for data mappings).
    if (mmgr.find_named_mapping(name)) {
        o.result = mmgr.create_file_mapping(space, file_handle, mm::page::kReadOnly, 0, 0, name);
        return o;
    }
    // SEC_IMAGE needs a file: a pagefile-backed image section is STATUS_INVALID_FILE_FOR_SECTION,
    // which Windows reports as ERROR_BAD_EXE_FORMAT (win95: PageLab's ERROR_GEN_FAILURE for images).
    if (file_handle == 0 || file_handle == mm::kInvalidHandleValue) {
        o.result = mm::Result::failure(mmgr.space(space).personality() == mm::Personality::Win95 ? mm::Error::GenFailure
                                                                                                 : mm::Error::BadExeFormat);
        return o;
    }
    const mm::HandleEntry* h = mmgr.find_handle(space, file_handle);
    if (!h || h->kind != mm::HandleKind::File) {
        o.result = mm::Result::failure(mm::Error::InvalidHandle);
        return o;
    }
    const ImageDescription* img = m.image_of(h->object);
    if (!img) {
        o.note = bad_image_event(mmgr, space, h->object);
        o.result = mm::Result::failure(mmgr.space(space).personality() == mm::Personality::Win95 ? mm::Error::GenFailure
                                                                                                 : mm::Error::BadExeFormat);
        return o;
    }
    if (!(h->access & mm::generic::kRead)) {
        o.result = mm::Result::failure(mm::Error::AccessDenied);
        return o;
    }
    if (!mmgr.find_image_section(h->object)) {
        o.note = cached_image_problem(mmgr, space, h->object);
        if (!o.note.empty()) {
            o.result = mm::Result::failure(mmgr.space(space).personality() == mm::Personality::Win95 ? mm::Error::GenFailure
                                                                                                     : mm::Error::BadExeFormat);
            return o;
        }
    }
    const uint32_t section = mmgr.ensure_image_section(h->object, image_pages(*img));
    o.result = mmgr.create_image_mapping(space, file_handle, section, img->image_base, name);
    return o;
}

}  // namespace pagelab::os

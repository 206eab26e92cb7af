#include "widgets/Widgets.h"

#include <fmt/format.h>

#include "imgui_internal.h"
#include "i18n/Glossary.h"
#include "i18n/I18n.h"
#include "i18n/LineBreak.h"

#include <algorithm>
#include <cfloat>
#include <optional>
#include <string>

namespace pagelab::ui {

std::string hex8(uint32_t v) { return fmt::format("0x{:08X}", v); }
std::string hex_n(uint32_t v) { return fmt::format("0x{:X}", v); }

void swatch(ImU32 colour, float size) {
    if (size <= 0) size = ImGui::GetTextLineHeight() * 0.8f;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float pad = (ImGui::GetTextLineHeight() - size) * 0.5f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(p.x, p.y + pad), ImVec2(p.x + size, p.y + pad + size), colour, 2.0f);
    dl->AddRect(ImVec2(p.x, p.y + pad), ImVec2(p.x + size, p.y + pad + size), IM_COL32(0, 0, 0, 120), 2.0f);
    ImGui::Dummy(ImVec2(size, ImGui::GetTextLineHeight()));
}

void legend(const std::vector<LegendItem>& items) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    const float box = ImGui::GetTextLineHeight() * 0.8f;
    bool first = true;
    for (const LegendItem& it : items) {
        const float w = box + st.ItemInnerSpacing.x + ImGui::CalcTextSize(it.label.c_str()).x;
        if (!first) {
            ImGui::SameLine(0, st.ItemSpacing.x * 1.6f);
            if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
        }
        first = false;
        ImGui::BeginGroup();
        if (it.outline) {
            const ImVec2 p = ImGui::GetCursorScreenPos();
            const float pad = (ImGui::GetTextLineHeight() - box) * 0.5f;
            ImGui::GetWindowDrawList()->AddRect(ImVec2(p.x + 1, p.y + pad + 1), ImVec2(p.x + box - 1, p.y + pad + box - 1),
                                                it.colour, 0, 0, 2.0f);
            ImGui::Dummy(ImVec2(box, ImGui::GetTextLineHeight()));
            ImGui::SameLine(0, st.ItemInnerSpacing.x);
        } else if (it.colour != 0) {
            swatch(it.colour, box);
            ImGui::SameLine(0, st.ItemInnerSpacing.x);
        }
        ImGui::TextUnformatted(it.label.c_str());
        ImGui::EndGroup();
        if (ImGui::IsItemHovered()) glossary_label_tooltip(it.label, it.help);
    }
}

float legend_height(const std::vector<LegendItem>& items, float width) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float box = ImGui::GetTextLineHeight() * 0.8f;
    float x = 0;
    int lines = items.empty() ? 0 : 1;
    bool first = true;
    for (const LegendItem& it : items) {
        const float w = box + st.ItemInnerSpacing.x + ImGui::CalcTextSize(it.label.c_str()).x;
        if (!first) {
            x += st.ItemSpacing.x * 1.6f;
            if (x + w > width) {
                ++lines;
                x = 0;
            }
        }
        first = false;
        x += w;
    }
    return float(lines) * ImGui::GetTextLineHeightWithSpacing();
}

void help_marker(const char* text) {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void text_coloured(ImU32 colour, const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    text_block(text);
    ImGui::PopStyleColor();
}

std::string wrap_lines(const std::string& text, ImFont* font, float size, float width) {
    const float scale = size / font->FontSize;
    return i18n::wrap_text(text, width, [font, scale](char32_t c) {
        return font->GetCharAdvance(c <= IM_UNICODE_CODEPOINT_MAX ? ImWchar(c) : ImWchar(IM_UNICODE_CODEPOINT_INVALID)) * scale;
    });
}

void same_line_if_fits(const std::string& next) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(next.c_str()).x) ImGui::NewLine();
}

float column_width(const char* header, float at_least) {
    return std::max(at_least, ImGui::CalcTextSize(header).x + ImGui::GetStyle().CellPadding.x * 2);
}

namespace {

bool g_record_terms = false;
std::vector<DrawnTerm> g_terms;
int g_terms_frame = -1;
GlossaryTooltip g_tooltip;

// Calls f(first byte, x0, x1, y) for each character of [b, e) where ImGui's ImFont::RenderText
// puts it (unwrapped: the lines are the text's own, wrap_lines() put them there), so that the
// mouse and a term's rectangle agree with the pixels drawn.
template <class F>
void layout_chars(const char* b, const char* e, ImVec2 pos, F&& f) {
    ImFont* font = ImGui::GetFont();
    const float size = ImGui::GetFontSize();
    const float scale = size / font->FontSize;
    float x = pos.x, y = pos.y;
    for (const char* s = b; s < e;) {
        unsigned c = 0;
        const char* at = s;
        s += std::max(1, ImTextCharFromUtf8(&c, s, e));
        if (c == '\n') {
            x = pos.x;
            y += size;
            continue;
        }
        if (c == '\r') continue;
        const float w = font->GetCharAdvance(ImWchar(c)) * scale;
        f(size_t(at - b), x, x + w, y);
        x += w;
    }
}

void definition_tooltip(const std::string& id, const std::string& term, const std::string& text, const char* extra) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26);
    if (extra) {
        ImGui::TextUnformatted(extra);
        ImGui::Separator();
    }
    ImGui::TextUnformatted(term.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
    g_tooltip = {ImGui::GetFrameCount(), id, term, text};
}

void shown_tooltip(const i18n::GlossaryEntry& e, const char* extra = nullptr) {
    const i18n::GlossaryText& t = e.in(i18n::language());
    definition_tooltip(e.id, t.term, t.text, extra);
}

void record_term(const std::string& id, std::string text, std::vector<ImRect> lines, bool label = false) {
    if (g_terms_frame != ImGui::GetFrameCount()) g_terms.clear();
    g_terms_frame = ImGui::GetFrameCount();
    const ImRect first = lines.front();
    g_terms.push_back({id, std::move(text), first, std::move(lines), ImGui::GetCurrentWindow()->Name, label});
}

// A term of `text` where wrap_lines() drew it in `shown`: bytes [begin, end) of `shown`, which
// may hold a line break (the term goes on at the start of the next line).
struct ShownTerm {
    size_t begin = 0, end = 0;
    const i18n::GlossaryEntry* entry = nullptr;
};

// Each line's rectangle of a term drawn at `pos`.
std::vector<ImRect> term_lines(const std::string& shown, const ShownTerm& t, ImVec2 pos) {
    std::vector<ImRect> lines;
    const float h = ImGui::GetFontSize();
    layout_chars(shown.data(), shown.data() + t.end, pos, [&](size_t c0, float x0, float x1, float y) {
        if (c0 < t.begin) return;
        if (lines.empty() || lines.back().Min.y != y) lines.emplace_back(x0, y, x1, y + h);
        else lines.back().Add(ImVec2(x1, y + h));
    });
    return lines;
}

// The term under the mouse, if any, underlined on each of its lines.
const ShownTerm* term_under_mouse(const std::string& shown, const std::vector<ShownTerm>& terms, ImVec2 pos) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    std::optional<size_t> under;
    layout_chars(shown.data(), shown.data() + shown.size(), pos, [&](size_t c0, float x0, float x1, float y) {
        if (m.x >= x0 && m.x < x1 && m.y >= y && m.y < y + ImGui::GetFontSize()) under = c0;
    });
    if (!under) return nullptr;
    for (const ShownTerm& t : terms) {
        if (*under < t.begin || *under >= t.end) continue;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
        for (const ImRect& r : term_lines(shown, t, pos)) dl->AddLine(ImVec2(r.Min.x, r.Max.y), r.Max, col);
        return &t;
    }
    return nullptr;
}

// After `text` was drawn as `shown` (wrap_lines) at `pos`: the tooltip of the term under the
// mouse, and the terms' rectangles when recording. Terms are found in the text as written, so a
// term a line break parts is one term: either part shows it. True when a tooltip was shown.
bool glossary_hook(const std::string& text, const std::string& shown, ImVec2 pos) {
    const bool hovered = ImGui::IsItemHovered();
    if (!hovered && !g_record_terms) return false;
    const auto hits = i18n::find_terms(text, i18n::language());
    if (hits.empty()) return false;
    std::vector<ShownTerm> terms;
    if (shown == text) {
        for (const auto& h : hits) terms.push_back({h.begin, h.end, h.entry});
    } else {
        const std::vector<size_t> at = i18n::wrapped_offsets(text, shown);
        for (const auto& h : hits) terms.push_back({at[h.begin], at[h.end], h.entry});
    }
    if (g_record_terms) {
        for (size_t i = 0; i < terms.size(); ++i) {
            std::vector<ImRect> lines = term_lines(shown, terms[i], pos);
            if (!lines.empty()) record_term(terms[i].entry->id, text.substr(hits[i].begin, hits[i].end - hits[i].begin), std::move(lines));
        }
    }
    if (!hovered) return false;
    const ShownTerm* t = term_under_mouse(shown, terms, pos);
    if (!t) return false;
    shown_tooltip(*t->entry);
    return true;
}

// A label without its ImGui ID ("Page tables###Page tables").
std::string visible_label(const std::string& label) {
    const size_t id = label.find("##");
    return id == std::string::npos ? label : label.substr(0, id);
}

}  // namespace

void record_glossary_terms(bool on) { g_record_terms = on; }
const std::vector<DrawnTerm>& glossary_terms_drawn() {
    static const std::vector<DrawnTerm> none;
    return g_terms_frame == ImGui::GetFrameCount() ? g_terms : none;
}
const GlossaryTooltip& last_glossary_tooltip() { return g_tooltip; }

void term_tooltip(const std::string& id, const std::string& term, const std::string& text) { definition_tooltip(id, term, text, nullptr); }

bool glossary_label_tooltip(const std::string& label, const std::string& help) {
    const auto hits = i18n::find_terms(visible_label(label), i18n::language());
    if (hits.empty()) {
        if (help.empty()) return false;
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
        ImGui::TextUnformatted(help.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
        return false;
    }
    shown_tooltip(*hits.front().entry, help.empty() ? nullptr : help.c_str());
    return true;
}

bool glossary_label(const std::string& label) {
    const bool hovered = ImGui::IsItemHovered();
    if (!hovered && !g_record_terms) return false;
    const std::string shown = visible_label(label);
    const auto hits = i18n::find_terms(shown, i18n::language());
    if (hits.empty()) return false;
    const i18n::GlossaryHit& h = hits.front();
    if (g_record_terms) record_term(h.entry->id, shown.substr(h.begin, h.end - h.begin), {ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax())}, true);
    if (!hovered) return false;
    shown_tooltip(*h.entry);
    return true;
}

void table_headers_row() {
    ImGuiTable* table = ImGui::GetCurrentTable();
    const float row_y = ImGui::GetCursorScreenPos().y;
    const float row_height = ImGui::TableGetHeaderRowHeight();
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, row_height);
    if (table->HostSkipItems) return;
    const int columns = ImGui::TableGetColumnCount();
    for (int c = 0; c < columns; ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        const char* name = (ImGui::TableGetColumnFlags(c) & ImGuiTableColumnFlags_NoHeaderLabel) ? "" : ImGui::TableGetColumnName(c);
        ImGui::PushID(table->InstanceCurrent * table->ColumnsCount + c);
        ImGui::TableHeader(name);
        ImGui::PopID();
        if (name[0]) glossary_label(name);
    }
    // The header row's own context menu (as ImGui::TableHeadersRow()).
    const ImVec2 mouse = ImGui::GetMousePos();
    if (ImGui::IsMouseReleased(1) && ImGui::TableGetHoveredColumn() == columns && mouse.y >= row_y && mouse.y < row_y + row_height)
        ImGui::TableOpenContextMenu(-1);
}

bool text_block(const std::string& text) {
    const float wrap_x = ImGui::GetCurrentWindow()->DC.TextWrapPos;
    if (wrap_x < 0) {
        ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
        return glossary_hook(text, text, ImGui::GetItemRectMin());
    }
    // The lines break where wrap_lines() says (at spaces, between Chinese characters), not where
    // ImGui would (after any '.' or ','): drawn unwrapped.
    const float width = ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), wrap_x);
    const std::string shown = wrap_lines(text, ImGui::GetFont(), ImGui::GetFontSize(), width);
    ImGui::PushTextWrapPos(-1.0f);
    ImGui::TextUnformatted(shown.c_str(), shown.c_str() + shown.size());
    ImGui::PopTextWrapPos();
    return glossary_hook(text, shown, ImGui::GetItemRectMin());
}

void text_wrapped(const std::string& text) {
    ImGui::PushTextWrapPos(0.0f);
    text_block(text);
    ImGui::PopTextWrapPos();
}

void key_value(const char* key, const std::string& value, float key_width) {
    ImGui::TextDisabled("%s", key);
    ImGui::SameLine(key_width);
    ImGui::TextUnformatted(value.c_str());
}

void chip(const std::string& text, ImU32 background) {
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    const ImVec2 pad(5, 1);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x + 2 * pad.x, p.y + size.y + 2 * pad.y), background, 3.0f);
    ImVec4 bg = ImGui::ColorConvertU32ToFloat4(background);
    const float luma = 0.299f * bg.x + 0.587f * bg.y + 0.114f * bg.z;
    dl->AddText(ImVec2(p.x + pad.x, p.y + pad.y), luma > 0.55f ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255),
                text.c_str());
    ImGui::Dummy(ImVec2(size.x + 2 * pad.x, size.y + 2 * pad.y));
}

std::string hex_view(const char* id, const HexViewOptions& o, float height) {
    std::string first_row;
    const uint32_t rows = (o.size + 15) / 16;
    ImGui::BeginChild(id, ImVec2(0, height), true, ImGuiWindowFlags_HorizontalScrollbar);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float char_w = ImGui::CalcTextSize("0").x;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    auto row_text = [&](uint32_t row, std::string& out) {
        const uint32_t off = row * 16;
        out = fmt::format("{:04X}:", off);
        if (o.words) {
            for (uint32_t w = 0; w < 4 && off + w * 4 < o.size; ++w) {
                uint32_t v = 0;
                for (uint32_t b = 0; b < 4; ++b) v |= uint32_t(o.byte(off + w * 4 + b)) << (8 * b);
                out += fmt::format(" {:08X}", v);
            }
        } else {
            for (uint32_t b = 0; b < 16 && off + b < o.size; ++b) out += fmt::format(" {:02X}", o.byte(off + b));
            out += "  ";
            for (uint32_t b = 0; b < 16 && off + b < o.size; ++b) {
                const uint8_t c = o.byte(off + b);
                out += (c >= 32 && c < 127) ? char(c) : '.';
            }
        }
    };
    row_text(0, first_row);
    ImGuiListClipper clipper;
    clipper.Begin(int(rows));
    std::string line;
    while (clipper.Step()) {
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            row_text(uint32_t(r), line);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            // Highlight changed bytes / words behind the text.
            if (o.changed) {
                for (uint32_t b = 0; b < 16; ++b) {
                    const uint32_t off = uint32_t(r) * 16 + b;
                    if (off >= o.size || !o.changed(off)) continue;
                    float x0, w;
                    if (o.words) {
                        x0 = p.x + char_w * (5 + 1 + (b / 4) * 9);
                        w = char_w * 8;
                    } else {
                        x0 = p.x + char_w * (5 + 1 + b * 3);
                        w = char_w * 2;
                    }
                    dl->AddRectFilled(ImVec2(x0 - 1, p.y), ImVec2(x0 + w + 1, p.y + ImGui::GetTextLineHeight()),
                                      (o.changed_colour & 0x00FFFFFF) | 0x70000000);
                }
            }
            dl->AddText(p, dim, line.c_str(), line.c_str() + 5);
            dl->AddText(ImVec2(p.x + char_w * 5, p.y), text, line.c_str() + 5);
            float x_end = p.x + char_w * float(line.size());
            if (o.words && o.word_note) {
                std::string notes;
                for (uint32_t w = 0; w < 4; ++w) {
                    const std::string n = o.word_note(uint32_t(r) * 16 + w * 4);
                    if (!n.empty()) notes += (notes.empty() ? "" : " | ") + n;
                }
                if (!notes.empty()) {
                    dl->AddText(ImVec2(x_end + char_w * 2, p.y), dim, notes.c_str());
                    x_end += char_w * float(2 + notes.size());
                }
            }
            ImGui::Dummy(ImVec2(x_end - p.x, ImGui::GetTextLineHeight()));
        }
    }
    ImGui::EndChild();
    return first_row;
}

}  // namespace pagelab::ui

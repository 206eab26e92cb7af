#include "UiState.h"

#include <algorithm>
#include <string>

#define GLM_ENABLE_EXPERIMENTAL
#include <glm/gtx/matrix_transform_2d.hpp>

#include "i18n/I18n.h"

namespace pagelab::ui {

const char* panel_title(PanelId id) {
    switch (id) {
        case PanelId::Controls: return N_("Controls");
        case PanelId::Lesson: return N_("Lesson");
        case PanelId::Events: return N_("Events");
        case PanelId::AddressSpace: return N_("Address space");
        case PanelId::Objects: return N_("Objects");
        case PanelId::PageTables: return N_("Page tables");
        case PanelId::Compare: return N_("Side by side");
        case PanelId::Moments: return N_("Compare A/B");
        case PanelId::EntryDecoder: return N_("Entry decoder");
        case PanelId::Walk: return N_("Translation walk");
        case PanelId::Physical: return N_("Physical memory");
        case PanelId::Pagefile: return N_("Pagefile & commit");
        case PanelId::Counters: return N_("Counters");
        case PanelId::Tlb: return N_("TLB");
        case PanelId::Count_: break;
    }
    return "?";
}

std::string panel_label(PanelId id) { return std::string(i18n::tr(panel_title(id))) + "###" + panel_title(id); }

void ZoomView::fit(double width) { show_range(0.0, extent, width); }

void ZoomView::show_range(double lo, double hi, double width) {
    width_px = std::max(1.0, width);
    const double span = std::max(extent * 1e-12, hi - lo);
    transform = glm::translate(glm::scale(glm::dmat3(1.0), glm::dvec2(width_px / span, 1.0)), glm::dvec2(-lo, 0.0));
}

void ZoomView::zoom_about(double px, double factor, double min_span) {
    // New view = translate(px) * scale(factor) * translate(-px) * old: the value under the mouse
    // stays under the mouse. The span is clamped to [min_span, extent] and the view to [0, extent].
    const double span = (hi() - lo()) / factor;
    if (span < min_span) factor = (hi() - lo()) / min_span;
    if (span > extent) factor = (hi() - lo()) / extent;
    glm::dmat3 z(1.0);
    z = glm::translate(z, glm::dvec2(px, 0.0));
    z = glm::scale(z, glm::dvec2(factor, 1.0));
    z = glm::translate(z, glm::dvec2(-px, 0.0));
    transform = z * transform;
    pan_px(0.0);
}

void ZoomView::pan_px(double dx) {
    transform = glm::translate(glm::dmat3(1.0), glm::dvec2(dx, 0.0)) * transform;
    // Keep the view inside [0, extent].
    const double l = lo(), h = hi();
    double shift = 0;
    if (l < 0) shift = -l;
    else if (h > extent) shift = extent - h;
    if (shift != 0) transform = transform * glm::translate(glm::dmat3(1.0), glm::dvec2(-shift, 0.0));
}

}  // namespace pagelab::ui

// What each kind of event means, in one or two sentences for a learner (the window shows it as
// the tooltip of an event's kind chip). Keyed by the kind's name; the text is the English msgid,
// translated through the catalogues (po/zh.po, po/ru.po) by i18n::tr.
#pragma once

#include "mm/Events.h"

namespace pagelab::mm {

// The English explanation of the kind (untranslated: pass it to i18n::tr), or nullptr if the
// kind has none yet (a unit test fails for that).
const char* event_kind_help(EventKind k);

}  // namespace pagelab::mm

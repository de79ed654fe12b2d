#include "widgets/PromptsPanel.h"

#include "document/ProjectDocument.h"
#include "dragon/WinRateStatistics.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSet>
#include <QVBoxLayout>

namespace {

std::vector<std::string> lines(const QPlainTextEdit *edit)
{
    std::vector<std::string> out;
    for (const QString &line : edit->toPlainText().split('\n'))
        if (!line.trimmed().isEmpty())
            out.push_back(line.trimmed().toStdString());
    return out;
}

QString joined(const std::vector<std::string> &items)
{
    QStringList list;
    for (const auto &item : items)
        list << QString::fromStdString(item);
    return list.join('\n');
}

// A prompt as the notes name it: quoted, cut at 60 characters, escaped for the rich-text label.
QString quoted(const std::string &prompt)
{
    QString text = QString::fromStdString(prompt);
    if (text.size() > 60)
        text = text.left(57) + QStringLiteral("...");
    return QStringLiteral("“%1”").arg(text.toHtmlEscaped());
}

} // namespace

PromptsPanel::PromptsPanel(ProjectDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_train(new QPlainTextEdit),
      m_eval(new QPlainTextEdit), m_trainTitle(new QLabel), m_evalTitle(new QLabel),
      m_notes(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    auto *columns = new QHBoxLayout;
    for (auto [title, edit] : {std::pair{m_trainTitle, m_train}, std::pair{m_evalTitle, m_eval}}) {
        auto *column = new QVBoxLayout;
        column->addWidget(title);
        column->addWidget(edit);
        columns->addLayout(column);
        connect(edit, &QPlainTextEdit::textChanged, this, &PromptsPanel::store);
        connect(edit, &QPlainTextEdit::textChanged, this, &PromptsPanel::showCounts);
    }
    layout->addLayout(columns, 1);
    m_notes->setObjectName("promptNotes");
    m_notes->setWordWrap(true);
    m_notes->setTextFormat(Qt::RichText);
    layout->addWidget(m_notes);
    connect(document, &ProjectDocument::documentReset, this, &PromptsPanel::load);
    load();
}

void PromptsPanel::load()
{
    m_loading = true;
    m_train->setPlainText(joined(m_document->project().trainPrompts));
    m_eval->setPlainText(joined(m_document->project().evalPrompts));
    m_loading = false;
    showCounts();
}

void PromptsPanel::store()
{
    if (!m_loading)
        m_document->setPrompts(lines(m_train), lines(m_eval));
}

void PromptsPanel::showCounts()
{
    const auto train = lines(m_train), eval = lines(m_eval);
    m_trainTitle->setText(
        tr("<b>Training prompts</b> (one per line): %n prompt(s)", nullptr, int(train.size())));
    m_evalTitle->setText(
        tr("<b>Evaluation prompts</b> (one per line): %n prompt(s)", nullptr, int(eval.size())));

    QStringList notes;
    bool warn = false;
    const int n = int(eval.size());
    const int needed = dragon::winsToClear(n);
    if (n == 0) {
        // The Train tab says what an empty eval list means; nothing to explain here.
    } else if (needed < 0) {
        warn = true;
        notes << tr("With %n evaluation prompt(s) the win rate's 95 % lower bound cannot pass "
                    "0.5 even if the tuned model wins them all: add at least 8.",
                    nullptr, n);
    } else {
        warn = n < 8;
        notes << tr("The win rate's 95 % lower bound passes 0.5 when the tuned model wins %1 of "
                    "the %n evaluation prompt(s) (each prompt is one trial, whatever the seeds per "
                    "prompt)%2.",
                    nullptr, n)
                     .arg(needed)
                     .arg(n < 8 ? tr(": add more for a result that means something") : QString());
    }

    // Prompts compare as the engine reads them: trimmed (lines()), case and inner spacing as
    // typed.
    QSet<QString> seen, trainSet, repeatedSet;
    for (const auto &prompt : train)
        trainSet.insert(QString::fromStdString(prompt));
    std::vector<std::string> repeated, shared;
    for (const auto &prompt : eval) {
        const QString key = QString::fromStdString(prompt);
        if (seen.contains(key)) {
            if (!repeatedSet.contains(key))
                repeated.push_back(prompt);
            repeatedSet.insert(key);
        } else if (trainSet.contains(key)) {
            shared.push_back(prompt);
        }
        seen.insert(key);
    }
    // A warning naming the first of `prompts` in `format`'s %1 (nothing when there are none).
    const auto warnAbout = [&](const std::vector<std::string> &prompts, const QString &format) {
        if (prompts.empty())
            return;
        warn = true;
        notes << format.arg(quoted(prompts.front()));
    };
    warnAbout(repeated, tr("Listed more than once: %n evaluation prompt(s) (%1). Each copy counts "
                           "as a trial of its own in the win rate.",
                           nullptr, int(repeated.size())));
    warnAbout(shared, tr("Also training prompts: %n evaluation prompt(s) (%1). On those the win "
                         "rate shows what the model was trained on, not how it does on new "
                         "prompts.",
                         nullptr, int(shared.size())));
    m_notes->setStyleSheet(warn ? QStringLiteral("color: #8a5a00") : QString());
    m_notes->setText(notes.join(QStringLiteral("<br>")));
}

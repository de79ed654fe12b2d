#include "widgets/PromptsPanel.h"

#include "document/ProjectDocument.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
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

} // namespace

PromptsPanel::PromptsPanel(ProjectDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_train(new QPlainTextEdit), m_eval(new QPlainTextEdit)
{
    auto *layout = new QHBoxLayout(this);
    for (auto [title, edit] : {std::pair{tr("<b>Training prompts</b> (one per line)"), m_train},
                               std::pair{tr("<b>Evaluation prompts</b> (one per line)"), m_eval}}) {
        auto *column = new QVBoxLayout;
        column->addWidget(new QLabel(title));
        column->addWidget(edit);
        layout->addLayout(column);
        connect(edit, &QPlainTextEdit::textChanged, this, &PromptsPanel::store);
    }
    connect(document, &ProjectDocument::documentReset, this, &PromptsPanel::load);
    load();
}

void PromptsPanel::load()
{
    m_loading = true;
    m_train->setPlainText(joined(m_document->project().trainPrompts));
    m_eval->setPlainText(joined(m_document->project().evalPrompts));
    m_loading = false;
}

void PromptsPanel::store()
{
    if (!m_loading)
        m_document->setPrompts(lines(m_train), lines(m_eval));
}

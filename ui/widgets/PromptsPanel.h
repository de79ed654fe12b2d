#pragma once

#include <QWidget>

class ProjectDocument;
class QLabel;
class QPlainTextEdit;

// Train and eval prompt lists, one prompt per line, each titled with its count; below them what
// the lists mean for the win rate: how many eval prompts the tuned model must win for the 95 %
// lower bound to pass 0.5, eval prompts listed twice, eval prompts that are also training prompts.
class PromptsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PromptsPanel(ProjectDocument *document, QWidget *parent = nullptr);

    QPlainTextEdit *trainEdit() const { return m_train; }
    QPlainTextEdit *evalEdit() const { return m_eval; }
    // The notes under the lists (empty text when there are no eval prompts).
    QLabel *notes() const { return m_notes; }

private:
    void load();
    void store();
    void showCounts(); // the titles' counts and the notes under the lists

    ProjectDocument *m_document;
    QPlainTextEdit *m_train;
    QPlainTextEdit *m_eval;
    QLabel *m_trainTitle;
    QLabel *m_evalTitle;
    QLabel *m_notes;
    bool m_loading = false;
};
